/**
 * Figures for the model card: `npx tsx scripts/model/measure.ts [--split test|dev] [--eval ../shared/eval]
 * [--model models/escucha-bilingual] [--teacher] [--pairs data/model-build/pairs.jsonl]`.
 *
 * Prints few-shot intent retrieval (K = 10, article centroids, top-1) on tod-es, tod-es against the English
 * knowledge, banking77 and clinc150; Spanish→English translation retrieval among 200 held-out pairs; and the
 * model's size, load time and embedding speed. `--teacher` adds USE-lite's figures for comparison.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { centroidTop1, intentSets, translationTop1 } from './evalsets.js';
import { loadStaticModel, STATIC_MODEL_FILE } from '../../src/retrieval/static-model.js';
import { loadUseLite } from '../../src/retrieval/use-lite.js';
import type { Embedder } from '../../src/retrieval/types.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback; };
const split = arg('split', 'test') as 'dev' | 'test';
const evalDir = path.resolve(arg('eval', '../shared/eval'));
const modelDir = path.resolve(arg('model', 'models/escucha-bilingual'));
const pairsFile = path.resolve(arg('pairs', 'data/model-build/pairs.jsonl'));

const loadStart = performance.now();
const model = await loadStaticModel(modelDir);
const loadMs = performance.now() - loadStart;
const size = statSync(path.join(modelDir, STATIC_MODEL_FILE)).size;

const embedders: [string, Embedder][] = [['escucha-bilingual', model]];
if (argv.includes('--teacher')) embedders.push(['use-lite (teacher)', await loadUseLite(64)]);

const rows: string[][] = [];
const sets = existsSync(evalDir) ? intentSets(evalDir, split) : [];
if (sets.length === 0) console.log(`(no ${evalDir}: intent figures skipped)`);
for (const set of sets) {
  const row = [`${set.name}, ${set.queries.length} queries`];
  for (const [, e] of embedders) row.push((100 * await centroidTop1(e, set)).toFixed(1));
  rows.push(row);
}
if (existsSync(pairsFile)) {
  const pairs = readFileSync(pairsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { en: string; es: string; kind: string; split: string });
  for (const kind of ['help', 'ui']) {
    const held = pairs.filter((p) => p.split === split && p.kind === kind);
    const row = [`es→en translation among 200 (${kind}, ${held.length - (held.length % 200)} pairs)`];
    for (const [, e] of embedders) row.push((100 * (await translationTop1(e, held)).top1).toFixed(1));
    rows.push(row);
  }
}
console.log(`split: ${split}\n`);
console.log(`| set | ${embedders.map(([n]) => n).join(' | ')} |`);
console.log(`| --- | ${embedders.map(() => '---').join(' | ')} |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

// Speed: one sentence at a time, as a turn embeds its query.
const sentences = sets.flatMap((s) => s.queries.map((q) => q.text)).slice(0, 5000);
const sample = sentences.length > 0 ? sentences : ['¿Cómo cambio mi contraseña?', 'I want to cancel my subscription', 'no tengo datos en el extranjero'];
for (let i = 0; i < 200; i++) model.embedOne(sample[i % sample.length]!);
const times: number[] = [];
for (let round = 0; round < Math.max(1, Math.ceil(5000 / sample.length)); round++) {
  for (const s of sample) { const t = performance.now(); model.embedOne(s); times.push(performance.now() - t); }
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
console.log(`\nmodel: ${(size / 1048576).toFixed(1)} MB, ${model.dimensions} dimensions, revision ${model.revision}; loaded in ${loadMs.toFixed(0)} ms`);
console.log(`embedding one sentence: p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms (${times.length} sentences)`);
