/**
 * Step 3: the static student. Each training sentence (both sides of every pair) is a weighted bag of hashed
 * buckets (words, word bigrams, character 3-5-grams; SIF word weights); its vector is the weighted mean of the
 * buckets' rows. Both sides of a pair are regressed to the teacher's vector of the English side, projected on the
 * teacher's top principal components (centred), with row-wise AdaGrad. Optionally a contrastive term with
 * in-batch negatives pulls each Spanish sentence closer to its English side than to the other pairs' English.
 */
import { foldWords, sentenceFeatures, sifWeight, wordSlot, type FeatureSettings } from '../../src/retrieval/static-model-features.js';
import { StaticModel, type StaticModelWeights } from '../../src/retrieval/static-model.js';
import { TEACHER_DIM, type TeacherCache } from './teacher.js';
import type { Pair } from './collect.js';
import { seededRandom } from '../../src/util/random.js';

export interface TrainExample { text: string; target: string; weight: number }

export interface TrainOptions {
  features: FeatureSettings;
  dimensions: number;
  weightBits: number;
  sifA: number;
  epochs: number;
  learningRate: number;
  /** Weight of the contrastive (in-batch negatives) term; 0 turns it off. */
  contrastive: number;
  batchSize: number;
  temperature: number;
  seed: number;
  log: (line: string) => void;
}

export const DEFAULT_TRAIN: Omit<TrainOptions, 'log' | 'features'> = {
  dimensions: 160, weightBits: 18, sifA: 1e-3, epochs: 4, learningRate: 0.02, contrastive: 0.2, batchSize: 64, temperature: 0.05, seed: 1,
};

/** SIF weights, quantized to u8 (0 = unseen), from word frequencies over all training text. */
export function sifTable(texts: readonly string[], weightBits: number, a: number): Uint8Array {
  const counts = new Map<string, number>();
  let total = 0;
  for (const t of texts) for (const w of foldWords(t)) { counts.set(w, (counts.get(w) ?? 0) + 1); total++; }
  const table = new Uint8Array(1 << weightBits);
  for (const [word, count] of counts) {
    const slot = wordSlot(word, weightBits);
    const q = Math.max(1, Math.round(sifWeight(count / total, a) * 255));
    table[slot] = table[slot] === 0 ? q : Math.min(table[slot]!, q);
  }
  return table;
}

/** Mean and top-k principal directions of the teacher vectors (subspace iteration on the covariance). */
export function principalComponents(vectors: Float32Array, allRows: number, k: number, seed: number): { mean: Float64Array; basis: Float64Array } {
  const d = TEACHER_DIM;
  // A strided sample of at most 12,000 vectors estimates the covariance well enough for the top components.
  const stride = Math.max(1, Math.ceil(allRows / 12_000));
  const picked = new Float32Array(Math.ceil(allRows / stride) * d);
  let rows = 0;
  for (let r = 0; r < allRows; r += stride) picked.set(vectors.subarray(r * d, (r + 1) * d), (rows++) * d);
  vectors = picked;
  const mean = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j]! += vectors[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= rows;
  const cov = new Float64Array(d * d);
  const x = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) x[j] = vectors[r * d + j]! - mean[j]!;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const base = i * d;
      for (let j = i; j < d; j++) cov[base + j]! += xi * x[j]!;
    }
  }
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) { cov[i * d + j]! /= rows; cov[j * d + i] = cov[i * d + j]!; }
  // Subspace iteration: Q (d × k) <- orth(C Q).
  const random = seededRandom(seed);
  let q = new Float64Array(d * k).map(() => random() - 0.5);
  orthonormalise(q, d, k);
  for (let iter = 0; iter < 25; iter++) {
    const next = new Float64Array(d * k);
    for (let i = 0; i < d; i++) {
      for (let l = 0; l < d; l++) {
        const c = cov[i * d + l]!;
        if (c === 0) continue;
        for (let c2 = 0; c2 < k; c2++) next[i * k + c2]! += c * q[l * k + c2]!;
      }
    }
    orthonormalise(next, d, k);
    q = next;
  }
  return { mean, basis: q };
}

function orthonormalise(m: Float64Array, d: number, k: number): void {
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += m[i * k + c]! * m[i * k + p]!;
      for (let i = 0; i < d; i++) m[i * k + c]! -= dot * m[i * k + p]!;
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += m[i * k + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < d; i++) m[i * k + c]! /= norm;
  }
}

export interface Projection { mean: Float64Array; basis: Float64Array; k: number }

/** A teacher vector in the principal-component space. */
export function project(p: Projection, v: Float32Array | number[], offset = 0): Float32Array {
  const out = new Float32Array(p.k);
  for (let i = 0; i < TEACHER_DIM; i++) {
    const x = v[offset + i]! - p.mean[i]!;
    if (x === 0) continue;
    for (let c = 0; c < p.k; c++) out[c]! += x * p.basis[i * p.k + c]!;
  }
  return out;
}

export interface Trained { weights: StaticModelWeights & { table: Float32Array }; projection: Projection; examples: number }

export function train(examples: readonly TrainExample[], teacher: TeacherCache, options: TrainOptions): Trained {
  const { features, dimensions: k, log } = options;
  const rows = 1 << features.bucketBits;
  const started = Date.now();
  const sif = sifTable(examples.map((e) => e.text), options.weightBits, options.sifA);
  const wordWeight = (word: string) => { const q = sif[wordSlot(word, options.weightBits)]!; return q === 0 ? 1 : q / 255; };

  // Targets: the unique teacher sentences, projected.
  const targetIds = new Map<string, number>();
  for (const e of examples) if (!targetIds.has(e.target)) targetIds.set(e.target, targetIds.size);
  const teacherRows = new Float32Array(targetIds.size * TEACHER_DIM);
  for (const [text, id] of targetIds) {
    const at = teacher.index.get(text);
    if (at === undefined) throw new Error(`no teacher vector for: ${text}`);
    teacherRows.set(teacher.vectors.subarray(at * TEACHER_DIM, (at + 1) * TEACHER_DIM), id * TEACHER_DIM);
  }
  const pca = principalComponents(teacherRows, targetIds.size, k, options.seed);
  const projection: Projection = { ...pca, k };
  const targets = new Float32Array(targetIds.size * k);
  for (let t = 0; t < targetIds.size; t++) targets.set(project(projection, teacherRows, t * TEACHER_DIM), t * k);
  log(`train: ${examples.length} examples, ${targetIds.size} teacher targets, PCA to ${k} dimensions (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  // Features of every example, as compressed rows (weights already divided by their sum: a mean).
  const offsets = new Uint32Array(examples.length + 1);
  const bucketList: number[] = [];
  const weightList: number[] = [];
  const b: number[] = [];
  const w: number[] = [];
  const exampleTarget = new Uint32Array(examples.length);
  const exampleWeight = new Float32Array(examples.length);
  examples.forEach((e, i) => {
    const n = sentenceFeatures(e.text, features, wordWeight, b, w);
    let sum = 0;
    for (let f = 0; f < n; f++) sum += w[f]!;
    for (let f = 0; f < n; f++) { bucketList.push(b[f]!); weightList.push(sum > 0 ? w[f]! / sum : 0); }
    offsets[i + 1] = bucketList.length;
    exampleTarget[i] = targetIds.get(e.target)!;
    exampleWeight[i] = e.weight;
  });
  const buckets = Uint32Array.from(bucketList);
  const weights = Float32Array.from(weightList);
  log(`train: ${buckets.length} features (${(buckets.length / examples.length).toFixed(0)} per sentence)`);

  const table = new Float32Array(rows * k);
  const accum = new Float32Array(rows);
  const random = seededRandom(options.seed);
  const order = Uint32Array.from({ length: examples.length }, (_, i) => i);
  const v = new Float32Array(k);
  const g = new Float32Array(k);
  const eps = 1e-8;
  const lr = options.learningRate;

  const studentInto = (i: number, out: Float32Array) => {
    out.fill(0);
    for (let f = offsets[i]!; f < offsets[i + 1]!; f++) {
      const base = buckets[f]! * k;
      const wf = weights[f]!;
      for (let j = 0; j < k; j++) out[j]! += wf * table[base + j]!;
    }
  };
  const applyGradient = (i: number, grad: Float32Array, scale: number) => {
    let g2 = 0;
    for (let j = 0; j < k; j++) g2 += grad[j]! * grad[j]!;
    for (let f = offsets[i]!; f < offsets[i + 1]!; f++) {
      const row = buckets[f]!;
      const wf = weights[f]! * scale;
      accum[row]! += (wf * wf * g2) / k;
      const step = (lr * wf) / Math.sqrt(accum[row]! + eps);
      const base = row * k;
      for (let j = 0; j < k; j++) table[base + j]! -= step * grad[j]!;
    }
  };

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); const t = order[i]!; order[i] = order[j]!; order[j] = t; }
    let loss = 0;
    for (const i of order) {
      studentInto(i, v);
      const tBase = exampleTarget[i]! * k;
      let l = 0;
      for (let j = 0; j < k; j++) { const e = v[j]! - targets[tBase + j]!; g[j] = e; l += e * e; }
      loss += l;
      applyGradient(i, g, exampleWeight[i]!);
    }
    if (options.contrastive > 0) contrastiveEpoch();
    log(`train: epoch ${epoch + 1}/${options.epochs}, mean squared error ${(loss / order.length).toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }

  /** In-batch negatives: for each batch of pairs (Spanish, English target), softmax over the batch's targets. */
  function contrastiveEpoch(): void {
    const spanish = examples.map((e, i) => ({ e, i })).filter(({ e }) => e.text !== e.target);
    for (let i = spanish.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); const t = spanish[i]!; spanish[i] = spanish[j]!; spanish[j] = t; }
    const B = options.batchSize;
    const tau = options.temperature;
    const sv = Array.from({ length: B }, () => new Float32Array(k));
    const tn = Array.from({ length: B }, () => new Float32Array(k));
    const grad = new Float32Array(k);
    for (let start = 0; start + B <= spanish.length; start += B) {
      const norms = new Float32Array(B);
      for (let a = 0; a < B; a++) {
        const { i } = spanish[start + a]!;
        studentInto(i, sv[a]!);
        let n = 0;
        for (let j = 0; j < k; j++) n += sv[a]![j]! ** 2;
        norms[a] = Math.sqrt(n) || 1;
        const tBase = exampleTarget[i]! * k;
        let tnorm = 0;
        for (let j = 0; j < k; j++) tnorm += targets[tBase + j]! ** 2;
        tnorm = Math.sqrt(tnorm) || 1;
        for (let j = 0; j < k; j++) tn[a]![j] = targets[tBase + j]! / tnorm;
      }
      for (let a = 0; a < B; a++) {
        const s = sv[a]!;
        const inv = 1 / norms[a]!;
        const logits = new Float32Array(B);
        let max = -Infinity;
        for (let c = 0; c < B; c++) {
          let dot = 0;
          for (let j = 0; j < k; j++) dot += s[j]! * tn[c]![j]!;
          logits[c] = (dot * inv) / tau;
          if (logits[c]! > max) max = logits[c]!;
        }
        let z = 0;
        for (let c = 0; c < B; c++) { logits[c] = Math.exp(logits[c]! - max); z += logits[c]!; }
        // d loss / d (unit s) = (sum_c p_c t_c - t_a) / tau; then through the normalisation.
        grad.fill(0);
        for (let c = 0; c < B; c++) {
          const p = logits[c]! / z - (c === a ? 1 : 0);
          if (Math.abs(p) < 1e-6) continue;
          for (let j = 0; j < k; j++) grad[j]! += (p * tn[c]![j]!) / tau;
        }
        let dot = 0;
        for (let j = 0; j < k; j++) dot += grad[j]! * s[j]! * inv;
        for (let j = 0; j < k; j++) grad[j] = (grad[j]! - dot * s[j]! * inv) * inv * options.contrastive;
        applyGradient(spanish[start + a]!.i, grad, 1);
      }
    }
  }

  return { weights: { dimensions: k, features, sif, weightBits: options.weightBits, table }, projection, examples: examples.length };
}

/** int8 per row: each row scaled so its largest magnitude is 127. */
export function quantize(table: Float32Array, dimensions: number): { table: Int8Array; scales: Float32Array } {
  const rows = table.length / dimensions;
  const q = new Int8Array(table.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let j = 0; j < dimensions; j++) max = Math.max(max, Math.abs(table[r * dimensions + j]!));
    if (max === 0) continue;
    const scale = max / 127;
    scales[r] = scale;
    for (let j = 0; j < dimensions; j++) q[r * dimensions + j] = Math.round(table[r * dimensions + j]! / scale);
  }
  return { table: q, scales };
}

export function floatModel(t: Trained): StaticModel {
  return new StaticModel(t.weights);
}

/** Training examples: each English sentence once and each Spanish sentence, both aimed at the English side's teacher vector. */
export function examplesOf(pairs: readonly Pair[], knowledgeWeight: number): TrainExample[] {
  const out: TrainExample[] = [];
  const seenEnglish = new Set<string>();
  for (const p of pairs) {
    if (p.split !== 'train') continue;
    const weight = p.kind === 'knowledge' ? knowledgeWeight : 1;
    if (!seenEnglish.has(p.en)) { seenEnglish.add(p.en); out.push({ text: p.en, target: p.en, weight }); }
    out.push({ text: p.es, target: p.en, weight });
  }
  return out;
}
