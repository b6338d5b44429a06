import { performance } from 'node:perf_hooks';
import type { Article } from '../knowledge/index.js';
import { sha256 } from '../util/hash.js';
import { articleDoc } from './article-docs.js';
import { candidateTopics, groupByTopic, LEXICAL_SCALE, type CandidateSources, type EvidenceScale, type QueryEvidence } from './candidates.js';
import { fitFusion, type Fusion, type FusionSample } from './fusion.js';
import { LexicalIndex } from './lexical.js';
import { seededRandom } from '../util/random.js';
import { shuffled, type Pause } from './softmax.js';
import { CLASSIFIER_DEFAULTS, TopicClassifier, topicKeyOf, trainingTexts, type ClassifierOptions } from './topic-classifier.js';
import type { VectorIndex } from './vector-index.js';

/** The vector index, when a model is loaded, as the ranker reads it. */
export interface RankerDense {
  index: VectorIndex;
  scale: EvidenceScale;
  /** Languages the model reads (absent: all). */
  locales?: readonly string[];
}

export interface RankerSettings {
  /** Cross-validation folds over the alternate questions, at most: folds stop once `heldOut` questions were scored. */
  folds: number;
  /** Groups of topics, one left out per fold in turn: its questions play out-of-scope ones. */
  topicGroups: number;
  /** In-scope held-out questions that are enough to fit the fusion; more folds only cost time. */
  heldOut: number;
  /**
   * The weight of the questions of left-out topics (playing out-of-scope ones), as a share of all held-out
   * questions. They are harder to tell apart than what customers ask out of scope (a sibling of a topic the help
   * center has, rather than the weather), so they weigh less than their number: 5% gave the confidence closest to
   * how often it was right on the development splits (calibration error 0.03 on clinc150 and banking77 with a
   * quarter of the articles left out, 0.10 on tod-es; 25% gave 0.08, underconfident).
   */
  outOfScopeShare: number;
  /** How many held-out questions' worth the built-in fusion weighs against this knowledge base's own. */
  priorStrength: number;
  classifier: ClassifierOptions;
  seed: number;
}

export const RANKER_DEFAULTS: RankerSettings = {
  folds: 4, topicGroups: 4, heldOut: 1500, outOfScopeShare: 0.05, priorStrength: 20, classifier: CLASSIFIER_DEFAULTS, seed: 11,
};

/**
 * Fusion weights fitted with `escucha eval calibrate` on the development splits of the public sets in ../shared/eval
 * (10,493 queries of banking77, clinc150 and tod-es, lexical and with use-lite, a quarter of the articles left out:
 * 26.3% out of scope): the starting point of every knowledge base's fit, and what one with few alternate questions
 * keeps. In SIGNALS order.
 */
export const DEFAULT_FUSION: Fusion = { weights: [13.379, -0.832, -0.832, 1.678, 5.508, 8.169, -5.73, 2.909, 5.512], none: 16.944 };

export interface RankerStats {
  topics: number;
  /** Titles and alternate questions trained on. */
  texts: number;
  /**
   * Held-out questions the fusion was fitted on: in scope, and of topics left out (playing out-of-scope); absent
   * when the fusion of the previous build was kept (a quick retrain after an edit).
   */
  heldOut?: { inScope: number; outOfScope: number; folds: number };
  seconds: number;
}

/** A knowledge base's trained ranker: the topic classifier and how its signals fuse into one confidence. */
export class Ranker {
  readonly topicsOf: ReadonlyMap<string, readonly Article[]>;

  constructor(readonly classifier: TopicClassifier, readonly fusion: Fusion, readonly stats: RankerStats, articles: readonly Article[]) {
    this.topicsOf = groupByTopic(articles);
  }
}

export interface TrainOptions {
  dense?: RankerDense;
  settings?: RankerSettings;
  /** Keep this fusion instead of fitting one (cross-validation is most of the time): a quick retrain after an edit. */
  fusion?: Fusion;
  /** Awaited between pieces of work, so that a server keeps answering while a large knowledge base trains. */
  pause?: Pause;
}

interface HeldOut { article: Article; text: string; key: string; answer?: string }

/** Nearest passages, titles and questions a semantic search looks at. */
export const DENSE_NEIGHBOURS = 50;
/** Held-out questions scored between two pauses. */
const QUERIES_PER_PAUSE = 200;

/**
 * Trains the ranker of a knowledge base: the classifier on every title and alternate question, and the fusion on
 * questions held out by cross-validation. Each fold trains a classifier and a lexical index without its questions,
 * and without a quarter of the topics, whose questions then play the out-of-scope questions customers ask.
 */
export async function trainRanker(articles: readonly Article[], options: TrainOptions = {}): Promise<Ranker> {
  const started = performance.now();
  const settings = options.settings ?? RANKER_DEFAULTS;
  const pause: Pause = options.pause ?? (async () => {});
  const vectorOf = vectorLookup(options.dense);
  let fusion = options.fusion;
  let heldOut: RankerStats['heldOut'];
  if (!fusion) {
    const fitted = await crossValidate(articles, options.dense, vectorOf, settings, pause);
    fusion = fitted.fusion;
    heldOut = fitted.heldOut;
  }
  await pause();
  const texts = trainingTexts(articles);
  const classifier = await TopicClassifier.train(articles, texts, vectorOf, settings.classifier, options.pause);
  const stats: RankerStats = {
    topics: classifier.topics.length, texts: texts.length, ...(heldOut && { heldOut }), seconds: (performance.now() - started) / 1000,
  };
  return new Ranker(classifier, fusion, stats, articles);
}

/** A text's stored vector, for the texts the model reads. */
type VectorLookup = (text: string) => Float32Array | undefined;

function vectorLookup(dense: RankerDense | undefined): VectorLookup | undefined {
  if (!dense) return undefined;
  // Every fold reads the same texts' vectors again: reading one back from the index costs more than keeping it.
  const read = new Map<string, Float32Array | undefined>();
  return (text) => {
    if (!read.has(text)) read.set(text, dense.index.vectorFor(sha256(text)));
    return read.get(text);
  };
}

/** How the folds split a knowledge base: topics into groups left out in turn, each article's questions into folds. */
interface FoldPlan { topicGroup: Map<string, number>; foldOf: (article: Article, question: number) => number }

async function crossValidate(articles: readonly Article[], dense: RankerDense | undefined, vectorOf: VectorLookup | undefined,
  settings: RankerSettings, pause: Pause) {
  const random = seededRandom(settings.seed);
  const topics = [...groupByTopic(articles).keys()];
  // Per topic, not per article: translations list their questions in the same order, so a question held out is
  // held out in every language (its translation left in training would make the fit overconfident).
  const questionFold = new Map(topics.map((t) => [t, Math.floor(random() * settings.folds)]));
  const plan: FoldPlan = {
    // Shuffled once, so neighbouring topics (often siblings) do not leave together.
    topicGroup: new Map(shuffled(topics, random).map((t, i) => [t, i % settings.topicGroups])),
    foldOf: (a, i) => (questionFold.get(topicKeyOf(a))! + i) % settings.folds,
  };
  const samples: FusionSample[] = [];
  const outOfScopeSample: boolean[] = [];
  let inScope = 0, foldsRun = 0;
  for (let fold = 0; settings.folds >= 2 && fold < settings.folds && inScope < settings.heldOut; fold++) {
    const scored = await foldSamples(articles, fold, plan, settings.heldOut - inScope, { dense, vectorOf, settings, pause, random });
    if (!scored) continue;
    for (const { sample, outOfScope } of scored) {
      samples.push(sample);
      outOfScopeSample.push(outOfScope);
      if (!outOfScope) inScope++;
    }
    foldsRun++;
  }
  const outOfScope = samples.length - inScope;
  // Left-out topics' questions weigh their set share of all held-out ones, however many the folds produced.
  const oosWeight = outOfScope && inScope ? (settings.outOfScopeShare / (1 - settings.outOfScopeShare)) * (inScope / outOfScope) : 1;
  samples.forEach((s, i) => { if (outOfScopeSample[i]) s.weight = oosWeight; });
  await pause();
  return {
    fusion: samples.length ? fitFusion(samples, DEFAULT_FUSION, settings.priorStrength) : DEFAULT_FUSION,
    heldOut: { inScope, outOfScope, folds: foldsRun },
  };
}

interface FoldContext { dense?: RankerDense | undefined; vectorOf?: VectorLookup | undefined; settings: RankerSettings; pause: Pause; random: () => number }

/**
 * One fold: a classifier and a lexical index trained without the fold's questions and without one group of
 * topics, and the candidates' signals for those questions, as a search would see them (at most `wanted` of each
 * kind). Undefined when the fold has nothing to hold out.
 */
async function foldSamples(articles: readonly Article[], fold: number, plan: FoldPlan, wanted: number, context: FoldContext) {
  const { dense, vectorOf, settings, pause, random } = context;
  const group = fold % settings.topicGroups;
  const kept = articles.filter((a) => plan.topicGroup.get(topicKeyOf(a)) !== group);
  const left = articles.filter((a) => plan.topicGroup.get(topicKeyOf(a)) === group);
  const keptQuestions = (a: Article) => a.questions.filter((_, i) => plan.foldOf(a, i) !== fold);
  const heldOut = (a: Article, i: number, answer?: string): HeldOut => ({ article: a, text: a.questions[i]!, key: `${a.id}?${i + 1}`, ...(answer && { answer }) });
  const inScope = kept.flatMap((a) => a.questions.flatMap((_, i) => (plan.foldOf(a, i) === fold ? [heldOut(a, i, topicKeyOf(a))] : [])));
  const outOfScope = left.flatMap((a) => a.questions.map((_, i) => heldOut(a, i)));
  if (new Set(kept.map(topicKeyOf)).size < 2 || !inScope.length) return undefined;
  await pause();
  const classifier = await TopicClassifier.train(kept, trainingTexts(kept, keptQuestions), vectorOf, settings.classifier, pause);
  await pause();
  const sources: CandidateSources = {
    classifier, articlesOfTopic: groupByTopic(kept), articleById: new Map(kept.map((a) => [a.id, a])), scale: dense?.scale ?? LEXICAL_SCALE,
  };
  const lexical = new LexicalIndex(kept.map((a) => articleDoc(a, keptQuestions(a))));
  // Questions held out are not in this fold's indexes: the vector index skips them, and the articles left out.
  const skipped = new Set([...inScope, ...outOfScope].map((h) => h.key));
  const skip = (item: { key: string; articleId: string }) => skipped.has(item.key) || !sources.articleById.has(item.articleId);
  // A large knowledge base has more held-out questions than the fit needs: a sample of each kind will do.
  const queries = [...sample(inScope, wanted, random), ...sample(outOfScope, wanted, random)];
  const scored: Array<{ sample: FusionSample; outOfScope: boolean }> = [];
  for (const [n, query] of queries.entries()) {
    if (n % QUERIES_PER_PAUSE === QUERIES_PER_PAUSE - 1) await pause();
    const candidates = candidateTopics(query.text, heldOutEvidence(query, lexical, dense, vectorOf, skip), sources, () => true);
    scored.push({
      sample: { candidates: candidates.map((c) => c.signals), answer: candidates.findIndex((c) => c.topic === query.answer), weight: 1 },
      outOfScope: !query.answer,
    });
  }
  return scored;
}

function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  return items.length <= count ? [...items] : shuffled(items, random).slice(0, Math.max(0, count));
}

/** A held-out question's evidence, as a search would gather it from the fold's indexes. */
function heldOutEvidence(query: HeldOut, lexical: LexicalIndex, dense: RankerDense | undefined, vectorOf: VectorLookup | undefined,
  skip: (item: { key: string; articleId: string }) => boolean): QueryEvidence {
  const matches = lexical.search(query.text);
  const reads = !!dense && (!dense.locales || dense.locales.includes(query.article.locale));
  const vector = reads ? vectorOf?.(query.text) : undefined;
  if (!dense || !vector) return { matches, similarities: new Map() };
  return { matches, similarities: dense.index.bestPerArticle(vector, DENSE_NEIGHBOURS, skip, DENSE_NEIGHBOURS), vector };
}
