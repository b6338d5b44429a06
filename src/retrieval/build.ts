import path from 'node:path';
import { sha256 } from '../util/hash.js';
import { chunkArticle, type KnowledgeBase } from '../knowledge/index.js';
import { loadEmbedder, type EmbedderLoad, type EmbedderSettings } from './embedder.js';
import { Retriever } from './retriever.js';
import type { Calibration } from './calibration.js';
import { trainRanker, type Ranker, type RankerStats } from './ranker.js';
import { modelKey, VectorIndex, type BuildStats, type VectorItem } from './vector-index.js';

export interface RetrievalSettings {
  dataDir: string;
  chunkMaxChars: number;
  embedder: EmbedderSettings;
  denseWeight: number;
  /**
   * Train the knowledge base's ranker (default true): it ranks topics from the alternate questions and gives the
   * confidence; `false` keeps the fixed blend of lexical and semantic scores and `calibration`.
   */
  ranker?: boolean;
  /** `false` leaves confidences raw, for fitting a calibration; default: the built-in one. */
  calibration?: Calibration | false;
}

export interface RetrievalBuild {
  retriever: Retriever;
  /** Why semantic search is off, when it is: said once, in one line. */
  lexicalOnlyBecause?: string;
  /** The model that runs (with why it is the fallback, when it is), or why none does. */
  model: EmbedderLoad;
  /** Set when the vector index was (re)built rather than opened as saved. */
  built?: BuildStats & { reason: string };
  /** What the ranker was trained on, and how long it took; absent when it is off. */
  ranker?: RankerStats;
}

/**
 * What the vector index holds for a knowledge base: every chunk, plus each title and alternate question, of the
 * articles in the languages the model understands.
 */
export function vectorItems(kb: KnowledgeBase, chunkMaxChars: number, locales?: readonly string[]): VectorItem[] {
  return kb.published.filter((a) => !locales || locales.includes(a.locale)).flatMap((article) => [
    ...chunkArticle(article, chunkMaxChars).map((c) => ({ key: c.id, articleId: article.id, text: c.text, hash: c.hash })),
    ...[article.title, ...article.questions].map((text, i) => ({ key: `${article.id}?${i}`, articleId: article.id, text, hash: sha256(text) })),
  ]);
}

/**
 * Everything search needs for a knowledge base: the lexical index (built in memory, fast), the ranker trained on
 * its alternate questions, and when a model loads, the saved vector index, refreshed when the knowledge or the
 * model changed, re-embedding only what changed. `preloaded` is a model loaded earlier, so that rebuilding on
 * every knowledge edit does not load it again; `previousRanker` (the one serving before an edit) lends its fusion,
 * so that only the classifier retrains and the edit is served quickly (see recalibrateRanker).
 */
export async function buildRetrieval(kb: KnowledgeBase, settings: RetrievalSettings,
  onProgress?: (done: number, total: number) => void, preloaded?: EmbedderLoad, previousRanker?: Ranker): Promise<RetrievalBuild> {
  const loaded = preloaded ?? await loadEmbedder(settings.embedder);
  const ranked = async (retriever: Retriever) => {
    if (settings.ranker === false) return undefined;
    const ranker = await trainRanker(kb.published, { ...denseOf(retriever), ...(previousRanker && { fusion: previousRanker.fusion }) });
    retriever.useRanker(ranker);
    return ranker.stats;
  };
  if (!loaded.embedder) {
    const retriever = new Retriever(kb, undefined, settings.calibration);
    const ranker = await ranked(retriever);
    return { retriever, lexicalOnlyBecause: loaded.reason, model: loaded, ...(ranker && { ranker }) };
  }
  const { embedder } = loaded;
  const dir = path.join(settings.dataDir, 'index');
  const items = vectorItems(kb, settings.chunkMaxChars, embedder.locales);
  const opened = await VectorIndex.open(dir, modelKey(embedder), embedder.dimensions);
  let index: VectorIndex;
  let built: RetrievalBuild['built'];
  const current = 'index' in opened ? opened.index : undefined;
  if (current && sameItems(current, items)) {
    index = current;
  } else {
    const reason = current ? 'knowledge changed' : 'problem' in opened ? opened.problem : 'no saved index';
    const result = await VectorIndex.build(dir, embedder, items, current, onProgress);
    index = result.index;
    built = { ...result.stats, reason };
  }
  const retriever = new Retriever(kb, { embedder, index, weight: settings.denseWeight }, settings.calibration);
  const ranker = await ranked(retriever);
  retriever.prepare();
  return { retriever, model: loaded, ...(built && { built }), ...(ranker && { ranker }) };
}

/**
 * Trains the retriever's ranker again with a fusion of its own, fitted by cross-validation, and swaps it in: after
 * a quick retrain that kept the previous fusion. Pauses between pieces of work (a server keeps answering); resolves
 * to undefined, swapping nothing, when `stale()` says the retriever was replaced meanwhile.
 */
export async function recalibrateRanker(retriever: Retriever, stale: () => boolean): Promise<RankerStats | undefined> {
  const pause = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    if (stale()) throw new Superseded();
  };
  try {
    const ranker = await trainRanker(retriever.knowledge.published, { ...denseOf(retriever), pause });
    if (stale()) return undefined;
    retriever.useRanker(ranker);
    return ranker.stats;
  } catch (error) {
    if (error instanceof Superseded) return undefined;
    throw error;
  }
}

class Superseded extends Error {}

const denseOf = (retriever: Retriever) => {
  const dense = retriever.rankerDense;
  return dense ? { dense } : {};
};

function sameItems(index: VectorIndex, items: readonly VectorItem[]): boolean {
  const saved = index.meta.items;
  return saved.length === items.length && saved.every((s, i) => s.key === items[i]!.key && s.hash === items[i]!.hash);
}
