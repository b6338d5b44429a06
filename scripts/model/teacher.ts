/**
 * Step 2: the teacher's vectors (USE-lite, 512 dimensions) for every English sentence, computed in worker threads
 * and cached on disk (appended as they come, so an interrupted run resumes where it stopped).
 */
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export const TEACHER_DIM = 512;

export interface TeacherCache { index: Map<string, number>; vectors: Float32Array }

export function loadCache(textsFile: string, vectorsFile: string): { texts: string[]; vectors: Float32Array } {
  if (!existsSync(textsFile) || !existsSync(vectorsFile)) return { texts: [], vectors: new Float32Array(0) };
  const texts = readFileSync(textsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string);
  const raw = readFileSync(vectorsFile);
  const rows = Math.min(texts.length, Math.floor(raw.byteLength / (TEACHER_DIM * 4)));
  const vectors = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + rows * TEACHER_DIM * 4));
  return { texts: texts.slice(0, rows), vectors };
}

export async function teacherVectors(
  sentences: readonly string[], cacheBase: string, workers: number, log: (line: string) => void,
): Promise<TeacherCache> {
  const textsFile = `${cacheBase}.texts.jsonl`;
  const vectorsFile = `${cacheBase}.f32`;
  const cached = loadCache(textsFile, vectorsFile);
  const index = new Map<string, number>();
  cached.texts.forEach((t, i) => index.set(t, i));
  // A cache cut short mid-write (texts appended, vectors not): rewrite both to the rows that are complete.
  const fileRows = existsSync(textsFile) ? readFileSync(textsFile, 'utf8').split('\n').filter(Boolean).length : 0;
  const vectorBytes = existsSync(vectorsFile) ? statSync(vectorsFile).size : 0;
  if (fileRows !== cached.texts.length || vectorBytes !== cached.texts.length * TEACHER_DIM * 4) {
    writeFileSync(textsFile, cached.texts.map((t) => JSON.stringify(t) + '\n').join(''));
    writeFileSync(vectorsFile, Buffer.from(cached.vectors.buffer, cached.vectors.byteOffset, cached.vectors.byteLength));
  }
  const todo = [...new Set(sentences)].filter((s) => !index.has(s)).sort((a, b) => a.length - b.length);
  log(`teacher: ${index.size} sentences cached, ${todo.length} to embed with ${workers} worker(s)`);
  const chunks: Float32Array[] = [cached.vectors];
  let total = cached.texts.length;
  if (todo.length > 0) {
    const batch = 64;
    const batches: string[][] = [];
    for (let i = 0; i < todo.length; i += batch) batches.push(todo.slice(i, i + batch));
    let next = 0;
    let done = 0;
    const started = Date.now();
    let lastLog = 0;
    const runWorker = () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('../../src/retrieval/use-lite-worker.mjs', import.meta.url));
      const send = () => {
        if (next >= batches.length) { void worker.terminate().then(() => resolve()); return; }
        const id = next++;
        worker.postMessage({ id, texts: batches[id] });
      };
      worker.on('message', (msg: { ready?: boolean; id?: number; vectors?: Float32Array; error?: string }) => {
        if (msg.ready) { send(); return; }
        if (msg.error) { void worker.terminate(); reject(new Error(`teacher: ${msg.error}`)); return; }
        const texts = batches[msg.id!]!;
        const vectors = msg.vectors!;
        // Appended together, texts first, so a crash leaves at most vectors missing (trimmed on the next run).
        appendFileSync(textsFile, texts.map((t) => JSON.stringify(t) + '\n').join(''));
        appendFileSync(vectorsFile, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength));
        for (const t of texts) index.set(t, total++);
        chunks.push(vectors);
        done += texts.length;
        const now = Date.now();
        if (now - lastLog > 10_000 || done === todo.length) {
          lastLog = now;
          const rate = done / ((now - started) / 1000);
          log(`teacher: ${done}/${todo.length} sentences, ${rate.toFixed(0)}/s, ${((todo.length - done) / rate / 60).toFixed(1)} min left`);
        }
        send();
      });
      worker.on('error', reject);
    });
    await Promise.all(Array.from({ length: Math.max(1, workers) }, runWorker));
  }
  const vectors = new Float32Array(total * TEACHER_DIM);
  let offset = 0;
  for (const c of chunks) { vectors.set(c, offset); offset += c.length; }
  return { index, vectors };
}
