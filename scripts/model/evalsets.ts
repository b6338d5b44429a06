/**
 * The figures of the model card, on ../shared/eval (never shipped, never trained on): few-shot intent retrieval
 * (one article per intent whose vector is the centroid of its first K = 10 training utterances; top-1 of the
 * held-out queries) and translation retrieval (a Spanish sentence finds its English translation among 200).
 *
 * `split: 'dev'` uses validation data only (tod-es eval-es, clinc150 val, banking77 training rows past the first
 * K of each intent, the pairs' dev split); `split: 'test'` the test files, for the published figures only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Embedder } from '../../src/retrieval/types.js';
import { toUnitLength } from '../../src/util/vectors.js';

export const K = 10;

interface Labelled { text: string; label: string }
export interface IntentSet { name: string; articles: Map<string, string[]>; queries: Labelled[] }

function tsv(file: string): Labelled[] {
  return readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean).map((line) => {
    const [label, text] = line.split('\t');
    return { label: label!, text: text! };
  });
}

function firstK(rows: readonly Labelled[]): { articles: Map<string, string[]>; rest: Labelled[] } {
  const articles = new Map<string, string[]>();
  const rest: Labelled[] = [];
  for (const r of rows) {
    const list = articles.get(r.label) ?? [];
    if (list.length < K) { list.push(r.text); articles.set(r.label, list); } else rest.push(r);
  }
  return { articles, rest };
}

/** Every `step`-th row: a deterministic subsample that keeps the label mix. */
const every = <T>(rows: readonly T[], max: number): T[] => (rows.length <= max ? [...rows] : rows.filter((_, i) => i % Math.ceil(rows.length / max) === 0));

export function intentSets(evalDir: string, split: 'dev' | 'test'): IntentSet[] {
  const tod = (f: string) => tsv(path.join(evalDir, 'tod-es', `${f}.intent_text.tsv`));
  const todTrain = firstK(tod('train-es'));
  const todEn = firstK(tod('eval-en'));
  const todQueries = split === 'dev' ? tod('eval-es') : tod('test-es');
  const bRows = (parse(readFileSync(path.join(evalDir, 'banking77', 'train.csv')), { columns: true }) as { text: string; category: string }[])
    .map((r) => ({ text: r.text, label: r.category }));
  const bTrain = firstK(bRows);
  const bQueries = split === 'dev' ? every(bTrain.rest, 3000)
    : (parse(readFileSync(path.join(evalDir, 'banking77', 'test.csv')), { columns: true }) as { text: string; category: string }[]).map((r) => ({ text: r.text, label: r.category }));
  const clinc = JSON.parse(readFileSync(path.join(evalDir, 'clinc150', 'data_full.json'), 'utf8')) as Record<string, [string, string][]>;
  const c = (key: string) => clinc[key]!.map(([text, label]) => ({ text, label }));
  return [
    { name: 'tod-es (es→es)', articles: todTrain.articles, queries: todQueries },
    { name: 'tod-es cross-lingual (es→en)', articles: todEn.articles, queries: todQueries },
    { name: 'banking77 (en)', articles: bTrain.articles, queries: bQueries },
    { name: 'clinc150 in-scope (en)', articles: firstK(c('train')).articles, queries: split === 'dev' ? c('val') : c('test') },
  ];
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}


/** Top-1 accuracy of article centroids. */
export async function centroidTop1(embedder: Embedder, set: IntentSet): Promise<number> {
  const labels = [...set.articles.keys()];
  const centroids: Float32Array[] = [];
  for (const label of labels) {
    const vectors = await embedder.embed(set.articles.get(label)!, 'passage');
    const c = new Float32Array(embedder.dimensions);
    for (const v of vectors) for (let i = 0; i < c.length; i++) c[i]! += v[i]!;
    centroids.push(toUnitLength(c));
  }
  const queries = await embedder.embed(set.queries.map((q) => q.text), 'query');
  let correct = 0;
  queries.forEach((q, i) => {
    let best = -Infinity;
    let bestLabel = '';
    centroids.forEach((c, j) => { const s = dot(q, c); if (s > best) { best = s; bestLabel = labels[j]!; } });
    if (bestLabel === set.queries[i]!.label) correct++;
  });
  return correct / queries.length;
}

/** Share of Spanish sentences whose own English translation is the nearest among each group of `group` pairs. */
export async function translationTop1(embedder: Embedder, pairs: readonly { en: string; es: string }[], group = 200): Promise<{ top1: number; groups: number }> {
  let correct = 0;
  let total = 0;
  let groups = 0;
  for (let start = 0; start + group <= pairs.length; start += group) {
    const slice = pairs.slice(start, start + group);
    const es = await embedder.embed(slice.map((p) => p.es), 'query');
    const en = await embedder.embed(slice.map((p) => p.en), 'passage');
    es.forEach((q, i) => {
      let best = -Infinity;
      let arg = -1;
      en.forEach((e, j) => { const s = dot(q, e); if (s > best) { best = s; arg = j; } });
      if (arg === i) correct++;
      total++;
    });
    groups++;
  }
  return { top1: total ? correct / total : 0, groups };
}
