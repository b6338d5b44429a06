/**
 * How the ranker's signals for one candidate topic become one confidence: a conditional logit over the
 * candidates of a query plus "none of them". A candidate's score is a weighted sum of its signals; its confidence
 * is its share of exp(score) against the other candidates and against `none`, so two close candidates split the
 * confidence (and the dialogue asks which one), and a query that matches nothing well leaves most of it on none
 * (and is turned away). Fitted per knowledge base on questions held out by cross-validation.
 */

/**
 * The signals of a candidate topic, in this order: the n-gram classifier's probability (as classifierSignal), the
 * same probability as is, and its score (logit / 10: how much evidence, where the probability says only how it
 * compares); the share of the query in n-grams the topic's own titles and questions have; the vector classifier's share among the candidates (as classifierSignal); the best lexical match of
 * the topic's articles (coverage damped by the distance to the best match) and its coverage; the semantic evidence
 * (similarity above what unrelated texts score); and 1 when no semantic signal applies (no model, or a language
 * it does not read), so that topics judged without one are not held to the same sum.
 */
export const SIGNALS = ['classifier', 'probability', 'score', 'overlap', 'vectorClassifier', 'lexical', 'coverage', 'dense', 'noDense'] as const;
export type Signals = Float64Array;

/** Where each signal sits in a Signals array. */
export const SIGNAL = Object.fromEntries(SIGNALS.map((name, i) => [name, i])) as Record<(typeof SIGNALS)[number], number>;

export interface Fusion {
  /** One weight per signal. */
  weights: readonly number[];
  /** The score of "none of these answers". */
  none: number;
}

/**
 * The classifier's probability, as a log that stops at 1e-4: what matters is how sure it is among the plausible
 * topics, not how unlikely the impossible ones are.
 */
export const classifierSignal = (probability: number) => Math.log(probability + 1e-4) / Math.log(1e4) + 1;

export function candidateScore(fusion: Fusion, signals: Signals): number {
  let s = 0;
  for (let i = 0; i < SIGNALS.length; i++) s += fusion.weights[i]! * signals[i]!;
  return s;
}

/** Each candidate's confidence: its probability of being the answer, none being the alternative. */
export function fuse(fusion: Fusion, candidates: readonly Signals[]): number[] {
  const scores = candidates.map((c) => candidateScore(fusion, c));
  const max = Math.max(fusion.none, ...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, Math.exp(fusion.none - max));
  return exps.map((e) => e / total);
}

/** A held-out question: its candidates' signals, which one is right (-1: none, as for out-of-scope), and its weight. */
export interface FusionSample { candidates: Signals[]; answer: number; weight: number }

/**
 * Maximum likelihood by Newton's method, with a Gaussian prior centred on `prior` (`strength` is its precision,
 * in queries' worth): a knowledge base with few alternate questions keeps close to the built-in weights.
 */
export function fitFusion(samples: readonly FusionSample[], prior: Fusion, strength: number): Fusion {
  const d = SIGNALS.length + 1;
  const centre = Float64Array.from([...prior.weights, prior.none]);
  // One row per candidate and one for none (all signals 0, and 1 in the last place), samples one after another.
  const first = new Int32Array(samples.length + 1);
  samples.forEach((s, k) => { first[k + 1] = first[k]! + s.candidates.length + 1; });
  const rows = new Float64Array(first[samples.length]! * d);
  const target = new Int32Array(samples.length);
  samples.forEach((s, k) => {
    s.candidates.forEach((c, j) => rows.set(c.subarray(0, SIGNALS.length), (first[k]! + j) * d));
    const none = first[k + 1]! - 1;
    rows[none * d + d - 1] = 1;
    target[k] = s.answer < 0 ? none : first[k]! + s.answer;
  });
  const scores = new Float64Array(first[samples.length]!);
  const score = (theta: Float64Array) => {
    for (let r = 0; r < scores.length; r++) {
      let v = 0;
      for (let i = 0; i < d; i++) v += rows[r * d + i]! * theta[i]!;
      scores[r] = v;
    }
  };
  const objective = (theta: Float64Array) => {
    score(theta);
    let loss = 0;
    for (let i = 0; i < d; i++) loss += 0.5 * strength * (theta[i]! - centre[i]!) ** 2;
    samples.forEach(({ weight }, k) => {
      let max = -Infinity;
      for (let r = first[k]!; r < first[k + 1]!; r++) max = Math.max(max, scores[r]!);
      let total = 0;
      for (let r = first[k]!; r < first[k + 1]!; r++) total += Math.exp(scores[r]! - max);
      loss += weight * (max + Math.log(total) - scores[target[k]!]!);
    });
    return loss;
  };
  let theta = Float64Array.from(centre);
  let current = objective(theta);
  const mean = new Float64Array(d);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Float64Array(d);
    const hessian = Array.from({ length: d }, () => new Float64Array(d));
    for (let i = 0; i < d; i++) { gradient[i] = strength * (theta[i]! - centre[i]!); hessian[i]![i] = strength; }
    score(theta);
    samples.forEach(({ weight }, k) => {
      let max = -Infinity;
      for (let r = first[k]!; r < first[k + 1]!; r++) max = Math.max(max, scores[r]!);
      let total = 0;
      for (let r = first[k]!; r < first[k + 1]!; r++) total += Math.exp(scores[r]! - max);
      mean.fill(0);
      for (let r = first[k]!; r < first[k + 1]!; r++) {
        const p = Math.exp(scores[r]! - max) / total;
        for (let i = 0; i < d; i++) mean[i]! += p * rows[r * d + i]!;
      }
      for (let i = 0; i < d; i++) gradient[i]! += weight * (mean[i]! - rows[target[k]! * d + i]!);
      for (let r = first[k]!; r < first[k + 1]!; r++) {
        const p = weight * Math.exp(scores[r]! - max) / total;
        for (let a = 0; a < d; a++) {
          const ra = p * (rows[r * d + a]! - mean[a]!);
          if (ra) for (let b = 0; b < d; b++) hessian[a]![b]! += ra * (rows[r * d + b]! - mean[b]!);
        }
      }
    });
    const step = solve(hessian, gradient);
    // Newton's step, halved until the loss goes down: a full step can overshoot far from the optimum.
    let scale = 1;
    let next = theta.map((t, i) => t - step[i]!);
    let loss = objective(next);
    while (!(loss <= current) && scale > 1e-4) {
      scale /= 2;
      next = theta.map((t, i) => t - scale * step[i]!);
      loss = objective(next);
    }
    if (!(loss <= current)) break;
    const moved = next.reduce((a, t, i) => a + Math.abs(t - theta[i]!), 0);
    theta = next;
    current = loss;
    if (moved < 1e-7) break;
  }
  return { weights: Array.from(theta.subarray(0, SIGNALS.length)), none: theta[SIGNALS.length]! };
}

/** Gaussian elimination with partial pivoting; the prior keeps the matrix positive definite. */
function solve(matrix: Float64Array[], vector: Float64Array): Float64Array {
  const n = vector.length;
  const a = matrix.map((row, i) => Float64Array.from([...row, vector[i]!]));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const head = a[col]!;
    for (let r = col + 1; r < n; r++) {
      const factor = a[r]![col]! / head[col]!;
      for (let c = col; c <= n; c++) a[r]![c]! -= factor * head[c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}
