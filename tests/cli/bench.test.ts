import { describe, expect, it } from 'vitest';
import { describeStop } from '../../src/cli/bench.js';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';

const numeric = expect.any(Number);

describe('escucha bench', () => {
  it('without the shared data, says so in one line and measures knowledge bases written from the bundled sentences', async () => {
    const root = tempTree({});
    const io = captureIO(root);
    expect(await main(['bench', '--sizes', '50', '--queries', '20', '--embedder', 'lexical', '--shared', 'missing', '--json'], io)).toBe(0);
    expect(io.err().split('\n')[0]).toBe(`escucha bench: no banking77 or clinc150 data in ${root}/missing; writing the knowledge bases from the bundled help center's sentences instead`);
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Search speed on sentences of the bundled help center .*; 20 English queries; Node v/);
    expect(lines[2]).toMatch(/^\| chunks \| chars\/chunk \| articles \| mode \| build s \| ranker s \| chunks\/s \| embedded \|/);
    // Articles of eight sections: 50 chunks round up to 7 articles.
    expect(lines[4]).toMatch(/^\| 56 \| \d+ \| 7 \| lexical \| [\d.]+ \| [\d.]+ \| \d+ \| – \| – \| [\d.]+ \| – \| [\d.]+ \| [\d.]+ \| [\d.]+ \| -?[\d.]+ \| \d+ \| \d+ \|$/);
    expect(lines).toHaveLength(6);
    const figures = JSON.parse(lines.at(-1)!) as { queries: number; runs: unknown[] };
    expect(figures.queries).toBe(20);
    expect(figures.runs).toEqual([{
      chunks: 56, meanChunkChars: numeric, articles: 7, mode: 'lexical', vectorItems: null,
      build: { seconds: numeric, chunksPerSecond: numeric, embedded: null, embeddedPerSecond: null },
      rebuild: { seconds: numeric, embedded: null },
      ranker: { seconds: numeric, topics: 7, texts: 14 },
      latencyMs: { p50: numeric, p95: numeric, p99: numeric },
      latencyWithoutRankerMs: { p50: numeric, p95: numeric, p99: numeric },
      memoryMB: { rss: numeric, heapUsed: numeric },
    }]);
  });

  it('writes the knowledge bases from banking77 when it is there, and searches with its test utterances', async () => {
    const root = tempTree({
      'eval/banking77/train.csv': 'text,category\nWhere is my card?,card_arrival\nMy card has not arrived,card_arrival\nHow do I top up?,top_up\n',
      'eval/banking77/test.csv': 'text,category\nIs my card coming?,card_arrival\n',
    });
    const io = captureIO(root);
    expect(await main(['bench', '--sizes', '16', '--queries', '5', '--embedder', 'lexical', '--shared', 'eval'], io)).toBe(0);
    expect(io.err()).not.toContain('no banking77');
    const lines = io.out().trimEnd().split('\n');
    expect(lines[0]).toContain(`Search speed on banking77 from ${root}/eval; 5 English queries`);
    expect(lines[4]).toMatch(/^\| 16 \| \d+ \| 2 \| lexical \|/);
    expect(lines).toHaveLength(5);
  });

  it('writes as many alternate questions per article as asked, for the ranker to train on', async () => {
    const io = captureIO(tempTree({}));
    expect(await main(['bench', '--sizes', '16', '--queries', '5', '--questions', '3', '--embedder', 'lexical', '--shared', 'missing', '--json'], io)).toBe(0);
    const figures = JSON.parse(io.out().trimEnd().split('\n').at(-1)!) as { runs: Array<{ ranker: { topics: number; texts: number } }> };
    // Two articles, each a title and three questions.
    expect(figures.runs[0]!.ranker).toMatchObject({ topics: 2, texts: 8 });
  });

  it('turns a malformed size into one line', async () => {
    const io = captureIO(tempTree({}));
    expect(await main(['bench', '--sizes', '1000,lots'], io)).toBe(2);
    expect(io.err()).toBe('escucha bench: --sizes takes whole numbers greater than 0 separated by commas, such as 1000,10000 (got "1000,lots")\n');
  });

  it.each(['', '0', '1000,', '1e3', '0x10', '1.5', '-5', '10 000'])('rejects --sizes "%s" in one line', async (sizes) => {
    const io = captureIO(tempTree({}));
    expect(await main(['bench', `--sizes=${sizes}`], io)).toBe(2);
    expect(io.err()).toBe(`escucha bench: --sizes takes whole numbers greater than 0 separated by commas, such as 1000,10000 (got "${sizes}")\n`);
  });

  it.each(['500,600', '', '0', '1e3', '2.5', '-1', 'many'])('rejects --queries "%s" in one line instead of using part of it', async (queries) => {
    const io = captureIO(tempTree({}));
    expect(await main(['bench', `--queries=${queries}`, '--embedder', 'lexical'], io)).toBe(2);
    expect(io.err()).toBe(`escucha bench: --queries takes one whole number greater than 0, such as 500 (got "${queries}")\n`);
    expect(io.out()).toBe('');
  });

  it('names the signal that killed a run, or its exit code', () => {
    const spec = { size: 10000, embedder: 'use-lite' };
    expect(describeStop(spec, null, 'SIGKILL')).toBe('bench run for 10000 chunks, use-lite was killed by SIGKILL (out of memory?)');
    expect(describeStop(spec, null, 'SIGTERM')).toBe('bench run for 10000 chunks, use-lite was killed by SIGTERM');
    expect(describeStop(spec, 1, null)).toBe('bench run for 10000 chunks, use-lite stopped with exit code 1');
  });
});
