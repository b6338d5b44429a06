import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Embedder } from './types.js';
import { combineEmbedders } from './combined-embedder.js';
import { loadStaticModel, STATIC_MODEL_ID } from './static-model.js';
import { loadUseLite, USE_LITE_ID } from './use-lite.js';
import { errorLine } from '../util/errors.js';

/** The models that ship with Escucha, used together: the bilingual static model and USE-lite. */
export const BUNDLED = 'bundled';

/**
 * USE-lite weighs twice the bilingual model in the bundled combination: chosen on the development splits (`escucha
 * eval retrieval --cases data/eval/SET/dev.jsonl --embedder bundled`, top-1 for tod-es questions on English
 * articles, tod-es, banking77, clinc150): equal shares 71.8, 83.1, 82.4, 83.9; 1:2 71.4, 83.2, 82.7, 84.5; 1:3 70.5,
 * 83.3, 82.4, 84.9. USE-lite is the better English model; a Spanish question on English articles is read by the
 * bilingual model alone whatever the shares.
 */
const BUNDLED_SHARES: Record<string, number> = { [STATIC_MODEL_ID]: 1, [USE_LITE_ID]: 2 };

export type OfflineModels = typeof BUNDLED | typeof STATIC_MODEL_ID | typeof USE_LITE_ID;

export interface EmbedderSettings {
  /**
   * `bundled`: Escucha's bilingual model and USE-lite together (no download); one of them alone; `transformers`:
   * `model` through transformers.js, added to the fallback's models; `none`: lexical search only.
   */
  provider: OfflineModels | 'transformers' | 'none';
  /** The models used when the transformers model cannot be loaded, and those it adds to. */
  fallback: OfflineModels | 'none';
  /** Folder of Escucha's bilingual model (default: the one shipped in models/escucha-bilingual). */
  bilingualDir?: string | undefined;
  model: string;
  modelsDir: string;
  allowRemote: boolean;
  quantized: boolean;
  queryPrefix?: string | undefined;
  passagePrefix?: string | undefined;
  batchSize: number;
}

/** A model, with a note when it is the fallback rather than the configured one; or why there is none. */
export type EmbedderLoad = { embedder: Embedder; fallbackBecause?: string } | { embedder?: undefined; reason: string };

type FeatureExtractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

/**
 * Loads the configured sentence models: those that ship with Escucha, and a transformers.js model from the local
 * models folder (from the hub only when allowed), which adds to them. Never throws: a model that cannot be loaded
 * is left out and the reason comes back (`fallbackBecause`); with none at all, search runs lexical only.
 */
export async function loadEmbedder(settings: EmbedderSettings): Promise<EmbedderLoad> {
  if (settings.provider === 'none') return { reason: 'retrieval.embedder.provider is "none"' };
  if (settings.provider !== 'transformers') return loadOffline(settings.provider, settings);
  const [fetched, offline] = await Promise.all([
    loadTransformers(settings),
    settings.fallback === 'none' ? undefined : loadOffline(settings.fallback, settings),
  ]);
  if (!fetched.embedder) {
    if (!offline) return fetched;
    if (!offline.embedder) return { reason: `${fetched.reason}; ${offline.reason}` };
    return { embedder: offline.embedder, fallbackBecause: joinReasons(fetched.reason, offline.fallbackBecause) };
  }
  if (!offline?.embedder) return { embedder: fetched.embedder, ...(offline && { fallbackBecause: offline.reason }) };
  return { embedder: combineEmbedders([fetched.embedder, offline.embedder]), ...(offline.fallbackBecause && { fallbackBecause: offline.fallbackBecause }) };
}

/** The models that ship with Escucha: each alone, or both together; one that fails leaves the other, with why. */
async function loadOffline(which: OfflineModels, settings: EmbedderSettings): Promise<EmbedderLoad> {
  const wanted = which === BUNDLED ? [STATIC_MODEL_ID, USE_LITE_ID] : [which];
  const loads = await Promise.all(wanted.map(async (id) => {
    try {
      return { embedder: id === USE_LITE_ID ? await loadUseLite(settings.batchSize) : await loadStaticModel(settings.bilingualDir) };
    } catch (error) {
      return { reason: id === USE_LITE_ID ? `${USE_LITE_ID} could not be loaded: ${errorLine(error)}` : errorLine(error) };
    }
  }));
  const embedders = loads.flatMap((l) => (l.embedder ? [l.embedder] : []));
  const reasons = joinReasons(...loads.map((l) => l.reason));
  if (!embedders.length) return { reason: reasons ?? 'no model' };
  return { embedder: combineEmbedders(embedders, embedders.map((e) => BUNDLED_SHARES[e.id] ?? 1)), ...(reasons && { fallbackBecause: reasons }) };
}

function joinReasons(...reasons: (string | undefined)[]): string | undefined {
  const given = reasons.filter((r): r is string => !!r);
  return given.length ? given.join('; ') : undefined;
}

async function loadTransformers(settings: EmbedderSettings): Promise<EmbedderLoad> {
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
    const extractor = (await quietly(() => pipeline('feature-extraction', settings.model, { quantized: settings.quantized }))) as unknown as FeatureExtractor;
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
    // The first native error says what is wrong ("protobuf parsing failed"); the one thrown is the wasm retry's.
    const cause = (error as { firstWarning?: string }).firstWarning ?? errorLine(error);
    return { reason: `model "${settings.model}" could not be loaded: ${cause}` };
  }
}


/** Warnings held back while model loads run; shared, since loads may overlap and console.warn is global. */
const held: { loads: number; restore?: typeof console.warn; warnings: string[] } = { loads: 0, warnings: [] };

/**
 * Runs a transformers.js load with console warnings held back: on a broken model it prints the native error's
 * whole stack before retrying on wasm, and we promise one line. The first warning is kept for the reason.
 */
async function quietly<T>(load: () => Promise<T>): Promise<T> {
  if (held.loads++ === 0) {
    held.restore = console.warn;
    held.warnings = [];
    console.warn = (...args: unknown[]) => { held.warnings.push(args.map((a) => errorLine(a)).join(' ').trim()); };
  }
  const first = held.warnings.length;
  try {
    return await load();
  } catch (error) {
    const firstWarning = held.warnings[first];
    if (firstWarning && error && typeof error === 'object') Object.assign(error, { firstWarning });
    throw error;
  } finally {
    if (--held.loads === 0 && held.restore) console.warn = held.restore;
  }
}
