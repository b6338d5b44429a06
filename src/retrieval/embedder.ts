import { existsSync } from 'node:fs';
import path from 'node:path';

export type EmbedKind = 'query' | 'passage';

/** Turns text into unit-length vectors; cosine similarity is then a dot product. */
export interface Embedder {
  /** Model id, part of every persisted index: a different model means a rebuild. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[], kind: EmbedKind): Promise<Float32Array[]>;
}

export interface EmbedderSettings {
  provider: 'transformers' | 'none';
  model: string;
  modelsDir: string;
  allowRemote: boolean;
  quantized: boolean;
  queryPrefix?: string | undefined;
  passagePrefix?: string | undefined;
  batchSize: number;
}

export type EmbedderLoad = { embedder: Embedder } | { embedder?: undefined; reason: string };

type FeatureExtractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

/**
 * Loads the configured sentence model with transformers.js, from the local models folder (and from the hub only
 * when allowed). Never throws: when no model can be loaded the reason comes back and search runs lexical only.
 */
export async function loadEmbedder(settings: EmbedderSettings): Promise<EmbedderLoad> {
  if (settings.provider === 'none') return { reason: 'retrieval.embedder.provider is "none"' };
  const local = path.join(settings.modelsDir, ...settings.model.split('/'));
  if (!settings.allowRemote && !existsSync(local)) {
    return { reason: `model "${settings.model}" is not in ${local} and downloads are off (retrieval.embedder.allowRemote)` };
  }
  try {
    const transformers = await import('@xenova/transformers');
    const { env, pipeline } = transformers;
    env.localModelPath = settings.modelsDir.endsWith(path.sep) ? settings.modelsDir : settings.modelsDir + path.sep;
    env.cacheDir = settings.modelsDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = settings.allowRemote;
    const extractor = (await pipeline('feature-extraction', settings.model, { quantized: settings.quantized })) as unknown as FeatureExtractor;
    const e5 = /(^|\/)(multilingual-)?e5-/i.test(settings.model);
    const prefix = { query: settings.queryPrefix ?? (e5 ? 'query: ' : ''), passage: settings.passagePrefix ?? (e5 ? 'passage: ' : '') };
    const run = async (texts: string[]): Promise<Float32Array[]> => {
      const output = await extractor(texts, { pooling: 'mean', normalize: true });
      const dim = output.dims[output.dims.length - 1]!;
      return texts.map((_, i) => output.data.slice(i * dim, (i + 1) * dim));
    };
    const probe = await run([`${prefix.query}hola`]);
    const dimensions = probe[0]!.length;
    return {
      embedder: {
        id: settings.model,
        dimensions,
        async embed(texts, kind) {
          const out: Float32Array[] = [];
          for (let i = 0; i < texts.length; i += settings.batchSize) {
            out.push(...await run(texts.slice(i, i + settings.batchSize).map((t) => prefix[kind] + t)));
          }
          return out;
        },
      },
    };
  } catch (error) {
    const message = ((error as Error).message ?? String(error)).split('\n')[0]!;
    return { reason: `model "${settings.model}" could not be loaded: ${message}` };
  }
}
