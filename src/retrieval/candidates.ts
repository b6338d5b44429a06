import type { Article } from '../knowledge/index.js';
import { classifierSignal, SIGNAL, SIGNALS, type Signals } from './fusion.js';
import type { LexicalMatch } from './lexical.js';
import type { ClassProbabilities } from './softmax.js';
import { topicKeyOf, type TopicClassifier } from './topic-classifier.js';
import type { VectorIndex } from './vector-index.js';

/** What the indexes found for one query, before ranking. */
export interface QueryEvidence {
  /** Lexical matches of whole articles, best first. */
  matches: readonly LexicalMatch[];
  /** Best cosine similarity per article, when semantic search ran. */
  similarities: ReadonlyMap<string, number>;
  /** The query's sentence vector, when semantic search ran (a model is loaded and reads the customer's language). */
  vector?: Float32Array;
}

/** How the signals of one article are read, given the whole query's evidence. */
export interface EvidenceScale {
  /** The similarity the model gives unrelated texts: only what is above it is evidence. */
  unrelated: number;
  /** Whether the model reads this article's language (its similarity is then meaningful). */
  readable(article: Article): boolean;
}

/** Without a model: no similarity is evidence. */
export const LEXICAL_SCALE: EvidenceScale = { unrelated: 0, readable: () => false };

/** The scale of a vector index: what its model scores unrelated texts (capped so evidence can still show above it). */
export function denseScale(index: VectorIndex, locales: readonly string[] | undefined): EvidenceScale {
  const unrelated = Math.min(0.95, Math.max(0, index.unrelatedSimilarity()));
  return { unrelated, readable: (article) => !locales || locales.includes(article.locale) };
}

export interface ArticleSignals { article: Article; lexical: number; lexicalScore: number; coverage: number; similarity?: number; dense: number; fused: boolean }

export interface Candidate {
  topic: string;
  /** The topic's articles that pass the filters, with their own signals. */
  articles: ArticleSignals[];
  /** The n-gram classifier's probability for the topic (0 without a classifier). */
  probability: number;
  signals: Signals;
}

/** Classifier scores are logits of a few units: divided by this, they sit in the range of the other signals. */
const SCORE_SCALE = 10;

/** How many topics each source puts forward: the classifier's, the lexical index's and the vector index's best. */
const FROM_EACH = 10;

/** The lexical share of a match: how much of the query it covers, damped by how far below the best match it is. */
export function lexicalConfidence(match: LexicalMatch | undefined, top: number): number {
  if (!match) return 0;
  const relative = top > 0 ? match.score / top : 0;
  return match.coverage * Math.sqrt(relative);
}

export function denseEvidence(similarity: number | undefined, unrelated: number): number {
  return Math.max(0, ((similarity ?? 0) - unrelated) / (1 - unrelated));
}

function articleSignals(article: Article, evidence: QueryEvidence, lexical: ReadonlyMap<string, LexicalMatch>, top: number,
  scale: EvidenceScale): ArticleSignals {
  const match = lexical.get(article.id);
  const similarity = evidence.similarities.get(article.id);
  const fused = !!evidence.vector && scale.readable(article);
  return {
    article, lexical: lexicalConfidence(match, top), lexicalScore: match?.score ?? 0, coverage: match?.coverage ?? 0,
    ...(similarity !== undefined && { similarity }), dense: fused ? denseEvidence(similarity, scale.unrelated) : 0, fused,
  };
}

/** Where the candidates come from and how they are read; the same for a search and for a held-out question. */
export interface CandidateSources {
  classifier?: TopicClassifier;
  articlesOfTopic: ReadonlyMap<string, readonly Article[]>;
  articleById: ReadonlyMap<string, Article>;
  scale: EvidenceScale;
}

/**
 * The topics worth ranking for a query, with their signals: the classifier's most likely topics and those of the
 * best lexical and semantic matches, each with the articles of the topic that `eligible` lets through. A topic's
 * lexical and semantic signals are the best of its articles' (a translation that matches well speaks for the
 * whole topic).
 */
export function candidateTopics(query: string, evidence: QueryEvidence, sources: CandidateSources, eligible: (article: Article) => boolean): Candidate[] {
  const { classifier, articlesOfTopic, articleById, scale } = sources;
  const keys = new Set<string>();
  let fromLexical = 0;
  for (const m of evidence.matches) {
    if (fromLexical >= FROM_EACH) break;
    const article = articleById.get(m.key);
    if (article && eligible(article)) { keys.add(topicKeyOf(article)); fromLexical++; }
  }
  const dense = [...evidence.similarities].filter(([id]) => { const a = articleById.get(id); return a && eligible(a); })
    .sort((a, b) => b[1] - a[1]).slice(0, FROM_EACH);
  for (const [id] of dense) keys.add(topicKeyOf(articleById.get(id)!));
  const classified: ClassProbabilities | undefined = classifier?.probabilities(query);
  if (classifier && classified) {
    const order = Array.from(classified.touched).sort((a, b) => classified.probabilities[b]! - classified.probabilities[a]!);
    let fromClassifier = 0;
    for (const c of order) {
      if (fromClassifier >= FROM_EACH) break;
      const topic = classifier.topics[c]!;
      if (articlesOfTopic.get(topic)?.some(eligible)) { keys.add(topic); fromClassifier++; }
    }
  }
  const lexical = new Map(evidence.matches.map((m) => [m.key, m]));
  const top = evidence.matches[0]?.score ?? 0;
  const out: Candidate[] = [];
  for (const topic of keys) {
    const articles = (articlesOfTopic.get(topic) ?? []).filter(eligible).map((a) => articleSignals(a, evidence, lexical, top, scale));
    if (!articles.length) continue;
    const c = classifier?.classOfTopic(topic);
    const probability = c === undefined || !classified ? 0 : classified.probabilities[c]!;
    const signals = new Float64Array(SIGNALS.length);
    signals[SIGNAL.classifier] = classifier ? classifierSignal(probability) : 0;
    signals[SIGNAL.probability] = probability;
    signals[SIGNAL.score] = c === undefined || !classified ? 0 : classified.scores[c]! / SCORE_SCALE;
    signals[SIGNAL.overlap] = c === undefined || !classified ? 0 : classified.overlap[c]!;
    signals[SIGNAL.lexical] = Math.max(...articles.map((a) => a.lexical));
    signals[SIGNAL.coverage] = Math.max(...articles.map((a) => a.coverage));
    signals[SIGNAL.dense] = Math.max(...articles.map((a) => a.dense));
    signals[SIGNAL.noDense] = articles.some((a) => a.fused) ? 0 : 1;
    out.push({ topic, articles, probability, signals });
  }
  addVectorClassifier(out, evidence, classifier);
  return out;
}

/** The vector classifier's share among the candidates, for those a semantic signal applies to. */
function addVectorClassifier(candidates: Candidate[], evidence: QueryEvidence, classifier: TopicClassifier | undefined): void {
  if (!evidence.vector || !classifier?.readsVectors) return;
  const classes = candidates.map((c) => classifier.classOfTopic(c.topic) ?? -1);
  const known = classes.flatMap((c, i) => (c >= 0 ? [i] : []));
  const shares = classifier.vectorProbabilities(evidence.vector, known.map((i) => classes[i]!));
  known.forEach((i, k) => {
    const candidate = candidates[i]!;
    if (!candidate.signals[SIGNAL.noDense]) candidate.signals[SIGNAL.vectorClassifier] = classifierSignal(shares![k]!);
  });
}

/** Published articles grouped by topic key. */
export function groupByTopic(articles: readonly Article[]): Map<string, Article[]> {
  const groups = new Map<string, Article[]>();
  for (const a of articles) {
    const key = topicKeyOf(a);
    const list = groups.get(key) ?? [];
    list.push(a);
    groups.set(key, list);
  }
  return groups;
}
