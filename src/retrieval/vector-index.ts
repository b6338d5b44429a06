import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Embedder } from './types.js';
import { errorLine } from '../util/errors.js';

/** Something to embed: a chunk of a section, or an article's title or alternate question. */
export interface VectorItem { key: string; articleId: string; text: string; hash: string }

interface Meta { format: 1; model: string; dimensions: number; builtAt: string; items: Omit<VectorItem, 'text'>[] }

export interface BuildStats { items: number; embedded: number; reused: number; seconds: number }

const FORMAT = 1;
const CURRENT = 'CURRENT';

/**
 * An hnswlib index (cosine) with the metadata that says what each vector is and which model made it.
 * Saved as a new generation folder, then switched to by renaming a pointer file: a crash mid-write leaves the
 * previous generation in use.
 */
export class VectorIndex {
  private readonly byHash = new Map<string, number>();

  private constructor(private readonly hnsw: hnswlib.HierarchicalNSW, readonly meta: Meta) {
    meta.items.forEach((item, label) => { if (!this.byHash.has(item.hash)) this.byHash.set(item.hash, label); });
  }

  get model(): string { return this.meta.model; }
  get size(): number { return this.meta.items.length; }

  /** Opens the saved index, or says why it cannot be used (missing, other model, unreadable). */
  static async open(dir: string, model: string, dimensions: number): Promise<{ index: VectorIndex } | { problem: string }> {
    let generation: string;
    try {
      generation = (await readFile(path.join(dir, CURRENT), 'utf8')).trim();
    } catch {
      return { problem: 'no saved index' };
    }
    try {
      const meta = JSON.parse(await readFile(path.join(dir, generation, 'meta.json'), 'utf8')) as Meta;
      if (meta.format !== FORMAT) return { problem: `saved index has format ${String(meta.format)}, expected ${FORMAT}` };
      if (meta.model !== model || meta.dimensions !== dimensions) {
        return { problem: `saved index was built with ${meta.model} (${meta.dimensions} dimensions), not ${model} (${dimensions})` };
      }
      const hnsw = new hnswlib.HierarchicalNSW('cosine', dimensions);
      if (meta.items.length) {
        await hnsw.readIndex(path.join(dir, generation, 'vectors.hnsw'));
        if (hnsw.getCurrentCount() !== meta.items.length) throw new Error(`${hnsw.getCurrentCount()} vectors for ${meta.items.length} items`);
      } else {
        hnsw.initIndex(1);
      }
      return { index: new VectorIndex(hnsw, meta) };
    } catch (error) {
      return { problem: `saved index is unreadable (${errorLine(error)})` };
    }
  }

  /** The stored vector for an unchanged text, so it is never embedded twice. */
  vectorFor(hash: string): Float32Array | undefined {
    const label = this.byHash.get(hash);
    return label === undefined ? undefined : Float32Array.from(this.hnsw.getPoint(label));
  }

  /**
   * The similarity this model gives two unrelated passages (the mean over pairs from different articles): about
   * 0.1 for some models and 0.8 for others, so a raw similarity means nothing until measured against it.
   */
  unrelatedSimilarity(pairs = 400): number {
    const items = this.meta.items;
    if (items.length < 2) return 0;
    let sum = 0, count = 0;
    // A fixed stride through the labels: the same pairs every time, so the same index gives the same scores.
    for (let i = 0; i < pairs * 4 && count < pairs; i++) {
      const a = (i * 7919) % items.length;
      const b = (i * 104729 + 1) % items.length;
      if (items[a]!.articleId === items[b]!.articleId) continue;
      const va = this.hnsw.getPoint(a), vb = this.hnsw.getPoint(b);
      let dot = 0;
      for (let d = 0; d < va.length; d++) dot += va[d]! * vb[d]!;
      sum += dot; count++;
    }
    return count ? sum / count : 0;
  }

  /** The k nearest items, with cosine similarity. */
  search(vector: Float32Array, k: number): { item: Meta['items'][number]; similarity: number }[] {
    const n = Math.min(k, this.size);
    if (!n) return [];
    const { neighbors, distances } = this.hnsw.searchKnn(Array.from(vector), n);
    return neighbors.map((label, i) => ({ item: this.meta.items[label]!, similarity: 1 - distances[i]! }));
  }

  /**
   * The best similarity per article among the `k` nearest items, leaving out the items `skip` names (questions
   * held out by cross-validation); more neighbours are fetched so that `k` remain after skipping.
   */
  bestPerArticle(vector: Float32Array, k: number, skip?: (item: Meta['items'][number]) => boolean, extra = 0): Map<string, number> {
    const scores = new Map<string, number>();
    let kept = 0;
    for (const { item, similarity } of this.search(vector, k + extra)) {
      if (skip?.(item)) continue;
      if (kept++ >= k) break;
      scores.set(item.articleId, Math.max(scores.get(item.articleId) ?? -1, similarity));
    }
    return scores;
  }

  /** Builds an index for `items`, reusing the vectors of `previous` for unchanged texts, and saves it. */
  static async build(dir: string, embedder: Embedder, items: readonly VectorItem[], previous?: VectorIndex,
    onProgress?: (done: number, total: number) => void): Promise<{ index: VectorIndex; stats: BuildStats }> {
    const started = Date.now();
    const reusable = previous && previous.model === modelKey(embedder) ? previous : undefined;
    const vectors: (Float32Array | undefined)[] = items.map((item) => reusable?.vectorFor(item.hash));
    // Batches pad to their longest text, so texts of similar length are embedded together (25-40% faster); as many
    // run at once as the model has threads for.
    const missing = items.map((item, i) => ({ item, i })).filter(({ i }) => !vectors[i])
      .sort((a, b) => a.item.text.length - b.item.text.length);
    const batch = 32;
    let next = 0, done = 0;
    const embedNext = async (): Promise<void> => {
      for (let start = next; start < missing.length; start = next) {
        next = start + batch;
        const slice = missing.slice(start, start + batch);
        const embedded = await embedder.embed(slice.map(({ item }) => item.text), 'passage');
        slice.forEach(({ i }, j) => { vectors[i] = embedded[j]; });
        done += slice.length;
        onProgress?.(done, missing.length);
      }
    };
    const embedAll = (calls: number) => Promise.all(Array.from({ length: Math.max(1, calls) }, embedNext));
    await (embedder.inParallel ? embedder.inParallel(embedAll) : embedAll(1));
    const hnsw = new hnswlib.HierarchicalNSW('cosine', embedder.dimensions);
    hnsw.initIndex(Math.max(1, items.length), 16, 200, 42);
    vectors.forEach((vector, label) => hnsw.addPoint(Array.from(vector!), label));
    const meta: Meta = {
      format: FORMAT, model: modelKey(embedder), dimensions: embedder.dimensions, builtAt: new Date().toISOString(),
      items: items.map(({ key, articleId, hash }) => ({ key, articleId, hash })),
    };
    await save(dir, hnsw, meta);
    return {
      index: new VectorIndex(hnsw, meta),
      stats: { items: items.length, embedded: missing.length, reused: items.length - missing.length, seconds: (Date.now() - started) / 1000 },
    };
  }
}

async function save(dir: string, hnsw: hnswlib.HierarchicalNSW, meta: Meta): Promise<void> {
  await mkdir(dir, { recursive: true });
  const generation = `gen-${Date.now().toString(36)}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const target = path.join(dir, generation);
  await mkdir(target);
  if (meta.items.length) await hnsw.writeIndex(path.join(target, 'vectors.hnsw'));
  await writeFile(path.join(target, 'meta.json'), JSON.stringify(meta));
  // The switch: rename is atomic, so readers see the old generation or the new one, never half of one.
  const pointer = path.join(dir, `${CURRENT}.${generation}.tmp`);
  await writeFile(pointer, generation);
  await rename(pointer, path.join(dir, CURRENT));
  for (const entry of await readdir(dir)) {
    if (entry !== generation && entry !== CURRENT && (entry.startsWith('gen-') || entry.endsWith('.tmp'))) {
      await rm(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}

/** What a saved index records as its model: the id, and the revision when the model has one (a rebuilt model re-embeds). */
export function modelKey(embedder: Pick<Embedder, 'id' | 'revision'>): string {
  return embedder.revision ? `${embedder.id}@${embedder.revision}` : embedder.id;
}
