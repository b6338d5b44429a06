import type { Article } from '../knowledge/index.js';
import { DENSE_SOFTMAX_DEFAULTS, DenseSoftmax, type DenseExample, type DenseSoftmaxOptions } from './dense-classifier.js';
import { TfIdf } from './ngrams.js';
import { SparseSoftmax, SOFTMAX_DEFAULTS, type ClassProbabilities, type Example, type Pause, type SoftmaxOptions } from './softmax.js';

/** What a classifier learns an article from: its title and each alternate question. */
export interface TrainingText { articleId: string; text: string }

/** Articles that translate each other (one `topic`) are one class: their questions in every language pool. */
export const topicKeyOf = (article: Pick<Article, 'id' | 'topic'>) => (article.topic ? `topic\u0000${article.topic}` : `article\u0000${article.id}`);

export function trainingTexts(articles: readonly Article[], questions = (a: Article) => a.questions): TrainingText[] {
  return articles.flatMap((a) => [a.title, ...questions(a)].map((text) => ({ articleId: a.id, text })));
}

export interface ClassifierOptions {
  sparse: SoftmaxOptions;
  dense: DenseSoftmaxOptions;
  /** How many of the n-gram model's likeliest wrong topics each example is told apart from by the vector model. */
  rivals: number;
}

export const CLASSIFIER_DEFAULTS: ClassifierOptions = { sparse: SOFTMAX_DEFAULTS, dense: DENSE_SOFTMAX_DEFAULTS, rivals: 15 };

/**
 * Which topic a question is about, learned from the knowledge base's own titles and alternate questions when it
 * is indexed: multinomial logistic regression over their word and character n-grams, and, when a sentence model
 * is loaded, a second one over their vectors that re-ranks the candidate topics.
 */
export class TopicClassifier {
  private readonly classOf: ReadonlyMap<string, number>;

  private constructor(
    /** Topic keys, by class number. */
    readonly topics: readonly string[],
    private readonly tfidf: TfIdf,
    private readonly sparse: SparseSoftmax,
    private readonly dense: DenseSoftmax | undefined,
    private readonly options: ClassifierOptions,
  ) {
    this.classOf = new Map(topics.map((t, i) => [t, i]));
  }

  /**
   * Trains on `texts`: `articles` gives each text's topic (texts of other articles are ignored); `vectorOf` gives
   * a text's sentence vector when the model read it.
   */
  static async train(articles: readonly Article[], texts: readonly TrainingText[], vectorOf?: (text: string) => Float32Array | undefined,
    options: ClassifierOptions = CLASSIFIER_DEFAULTS, pause?: Pause): Promise<TopicClassifier> {
    const topicOfArticle = new Map(articles.map((a) => [a.id, topicKeyOf(a)]));
    const topics = [...new Set(articles.map(topicKeyOf))];
    const classOf = new Map(topics.map((t, i) => [t, i]));
    const used = texts.filter((t) => topicOfArticle.has(t.articleId));
    const labels = used.map((t) => classOf.get(topicOfArticle.get(t.articleId)!)!);
    const tfidf = new TfIdf();
    const examples: Example[] = tfidf.fit(used.map((t) => t.text)).map((x, i) => ({ x, label: labels[i]! }));
    const sparse = new SparseSoftmax(topics.length, tfidf.size, examples, options.sparse);
    await sparse.train(examples, options.sparse, pause);
    const dense: DenseExample[] = [];
    if (vectorOf) {
      used.forEach((t, i) => {
        const vector = vectorOf(t.text);
        if (vector) dense.push({ vector, label: labels[i]!, rivals: rivalsOf(sparse, examples[i]!, options.rivals) });
      });
    }
    let vectorModel: DenseSoftmax | undefined;
    if (dense.length) {
      vectorModel = new DenseSoftmax(topics.length, dense[0]!.vector.length);
      await vectorModel.train(dense, options.dense, pause);
    }
    return new TopicClassifier(topics, tfidf, sparse, vectorModel, options);
  }

  get parameters(): number { return this.sparse.parameters + (this.dense?.parameters ?? 0); }

  /** True when a vector model was trained (some texts had vectors). */
  get readsVectors(): boolean { return !!this.dense; }

  classOfTopic(key: string): number | undefined { return this.classOf.get(key); }

  /** Probability of each topic (by class number) for `query`, and the topics that share a feature with it. */
  probabilities(query: string): ClassProbabilities {
    return this.sparse.probabilities(this.tfidf.transform(query));
  }

  /** The vector model's probabilities among `classes` (undefined without one). */
  vectorProbabilities(vector: Float32Array, classes: ArrayLike<number>): Float64Array | undefined {
    return this.dense?.probabilitiesAmong(vector, classes, this.options.dense);
  }
}

/** The n-gram model's likeliest topics for an example other than its own. */
function rivalsOf(sparse: SparseSoftmax, example: Example, count: number): Int32Array {
  const { probabilities, touched } = sparse.probabilities(example.x);
  const ranked = Array.from(touched).filter((c) => c !== example.label).sort((a, b) => probabilities[b]! - probabilities[a]!);
  return Int32Array.from(ranked.slice(0, count));
}
