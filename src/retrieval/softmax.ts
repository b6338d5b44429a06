import type { SparseVector } from './ngrams.js';
import { seededRandom } from '../util/random.js';

export interface Example { x: SparseVector; label: number }

export interface SoftmaxOptions {
  /** Passes over the examples: `steps / examples`, within [minEpochs, maxEpochs]. */
  steps: number;
  minEpochs: number;
  maxEpochs: number;
  /** Step size at the first epoch; it decays as 1 / (1 + epoch · decay). */
  learningRate: number;
  decay: number;
  /**
   * L2 penalty over the whole training set, spread over its examples (each step decays the weights it touches by
   * l2 / examples): as in the usual formulation, a few examples get a strong pull to zero and many a light one,
   * so that a help center of three articles does not learn one shared n-gram as proof.
   */
  l2: number;
  /** Features found in more classes than this are left out: they tell little apart and would cost the most. */
  maxSupport: number;
  /** A model of fewer classes normalises as if it had this many (see SparseSoftmax.phantoms). */
  minClasses: number;
  seed: number;
}

export const SOFTMAX_DEFAULTS: SoftmaxOptions = {
  steps: 20_000, minEpochs: 3, maxEpochs: 12, learningRate: 1, decay: 0.3, l2: 0.2, maxSupport: 100, minClasses: 20, seed: 7,
};

/** Awaited now and then during long work, so that a server keeps answering while a large knowledge base trains. */
export type Pause = () => Promise<void>;

/** Training steps between two pauses: a few milliseconds of work. */
export const STEPS_PER_PAUSE = 500;

/** A bias whose gradient is smaller than this does not move (most classes an example touches are far from it). */
const BIAS_STEP_MIN = 1e-4;

/**
 * Class probabilities, and the evidence for each class (its logit without the bias): unlike a probability, it says
 * how much the input speaks for the class, not only how that compares (a query sharing one n-gram with one class
 * out of three gets much of the probability, and little evidence). `touched` lists the classes that share a
 * feature with the input.
 */
export interface ClassProbabilities {
  probabilities: Float64Array;
  scores: Float64Array;
  /**
   * Per class, the share of the input (its squared norm) in features the class's own examples have: how much of
   * the query the topic's questions account for, whatever the weights.
   */
  overlap: Float64Array;
  touched: Int32Array;
}

/**
 * Multinomial logistic regression over sparse features, where a class has weights only for the features its own
 * examples contain. That keeps the model the size of
 * the training text rather than features × classes (2,000 articles and 100,000 n-grams would take 800 MB dense),
 * and the work per input to the classes it shares a feature with, found by walking one posting list per feature as
 * in an inverted index; every other class scores its bias alone. What is lost is weighing a feature against a class whose
 * examples never have it; the shared normalisation partly makes up for it, raising the other classes instead.
 */
export class SparseSoftmax {
  /** Per feature, a slice [start[f], start[f + 1]) of the parallel class and weight arrays. */
  private readonly start: Int32Array;
  private readonly classOf: Int32Array;
  private readonly weights: Float32Array;
  /** Per class; an input that shares no feature with a class scores it its bias alone. */
  private readonly bias: Float64Array;
  private readonly expBias: Float64Array;
  /** Σ exp(bias) over every class, kept up to date as biases move. */
  private biasMass: number;
  /** Scratch space for one input: its logits, and which classes it touched. */
  private readonly logit: Float64Array;
  private readonly seen: Uint8Array;
  private readonly touchedList: Int32Array;

  /**
   * Classes that stand in for the ones a small model lacks, scoring 0 (they share nothing with any input), in
   * training and in use: with three classes, elimination alone would make any faint match likely, and with one,
   * nothing would be learnt at all.
   */
  private readonly phantoms: number;

  constructor(readonly classes: number, features: number, examples: readonly Example[], options: Pick<SoftmaxOptions, 'maxSupport' | 'minClasses'> = SOFTMAX_DEFAULTS) {
    const { maxSupport } = options;
    this.phantoms = Math.max(0, options.minClasses - classes);
    const support = Array.from({ length: features }, () => new Set<number>());
    for (const { x, label } of examples) for (const f of x.ids) support[f]!.add(label);
    const kept = (f: number) => support[f]!.size <= maxSupport;
    this.start = new Int32Array(features + 1);
    for (let f = 0; f < features; f++) this.start[f + 1] = this.start[f]! + (kept(f) ? support[f]!.size : 0);
    this.classOf = new Int32Array(this.start[features]!);
    support.forEach((set, f) => { if (kept(f)) [...set].sort((a, b) => a - b).forEach((c, i) => { this.classOf[this.start[f]! + i] = c; }); });
    this.weights = new Float32Array(this.classOf.length);
    this.bias = new Float64Array(classes);
    this.expBias = new Float64Array(classes).fill(1);
    this.biasMass = classes;
    this.logit = new Float64Array(classes);
    this.seen = new Uint8Array(classes);
    this.touchedList = new Int32Array(classes);
  }

  get parameters(): number { return this.weights.length + this.bias.length; }

  /** Fills the scratch logits of the classes `x` touches; returns how many it touched (listed in touchedList). */
  private score(x: SparseVector): number {
    const { start, classOf, weights, logit, seen, touchedList } = this;
    const { ids, values } = x;
    const features = start.length - 1;
    let touched = 0;
    for (let i = 0; i < ids.length; i++) {
      const f = ids[i]!;
      if (f >= features) continue;
      const v = values[i]!;
      for (let p = start[f]!, end = start[f + 1]!; p < end; p++) {
        const c = classOf[p]!;
        if (!seen[c]) { seen[c] = 1; logit[c] = this.bias[c]!; touchedList[touched++] = c; }
        logit[c]! += weights[p]! * v;
      }
    }
    return touched;
  }

  private overlap(x: SparseVector): Float64Array {
    const { start, classOf } = this;
    const out = new Float64Array(this.classes);
    for (let i = 0; i < x.ids.length; i++) {
      const f = x.ids[i]!;
      if (f >= start.length - 1) continue;
      const share = x.values[i]! * x.values[i]!;
      for (let p = start[f]!, end = start[f + 1]!; p < end; p++) out[classOf[p]!]! += share;
    }
    return out;
  }

  /**
   * Turns the scratch logits of the touched classes into probabilities in place, and returns the factor that turns
   * an untouched class's exp(bias) into its probability.
   */
  private normalise(touched: number): number {
    const { logit, touchedList, expBias } = this;
    // The untouched classes weigh their exp(bias), summed without visiting them: all of them minus the touched.
    // Phantom classes score what a typical class scores on its bias alone.
    let untouchedMass = this.biasMass * (1 + this.phantoms / this.classes);
    let max = 0;
    for (let k = 0; k < touched; k++) {
      const c = touchedList[k]!;
      untouchedMass -= expBias[c]!;
      max = Math.max(max, logit[c]!);
    }
    let total = Math.max(0, untouchedMass) * Math.exp(-max);
    for (let k = 0; k < touched; k++) {
      const c = touchedList[k]!;
      logit[c] = Math.exp(logit[c]! - max);
      total += logit[c]!;
    }
    for (let k = 0; k < touched; k++) logit[touchedList[k]!]! /= total;
    return Math.exp(-max) / total;
  }

  private release(touched: number): void {
    for (let k = 0; k < touched; k++) this.seen[this.touchedList[k]!] = 0;
  }

  /** Probability of each class for `x`. */
  probabilities(x: SparseVector): ClassProbabilities {
    const touched = this.score(x);
    const scores = new Float64Array(this.classes);
    for (let k = 0; k < touched; k++) scores[this.touchedList[k]!] = this.logit[this.touchedList[k]!]! - this.bias[this.touchedList[k]!]!;
    const rest = this.normalise(touched);
    const probabilities = new Float64Array(this.classes);
    for (let c = 0; c < this.classes; c++) probabilities[c] = rest * this.expBias[c]!;
    const list = this.touchedList.slice(0, touched);
    for (const c of list) probabilities[c] = this.logit[c]!;
    this.release(touched);
    return { probabilities, scores, overlap: this.overlap(x), touched: list };
  }

  /**
   * Stochastic gradient descent on the cross-entropy, examples in a seeded random order each epoch. Only the
   * weights of the features an example has move, and only for the classes that have them.
   */
  async train(examples: readonly Example[], options: SoftmaxOptions = SOFTMAX_DEFAULTS, pause?: Pause): Promise<void> {
    const { start, classOf, weights, logit } = this;
    const order = Int32Array.from(examples.keys());
    const random = seededRandom(options.seed);
    const epochs = Math.min(options.maxEpochs, Math.max(options.minEpochs, Math.round(options.steps / Math.max(1, examples.length))));
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, random);
      const rate = options.learningRate / (1 + epoch * options.decay);
      const keep = 1 - Math.min(0.5, rate * options.l2 / Math.max(1, examples.length));
      for (let n = 0; n < order.length; n++) {
        if (pause && n % STEPS_PER_PAUSE === STEPS_PER_PAUSE - 1) await pause();
        const { x, label } = examples[order[n]!]!;
        const touched = this.score(x);
        this.normalise(touched);
        // The label's own class is touched (its examples gave it all their features) unless none was kept. Biases
        // move for the touched classes only: the others' gradient is small, and visiting them would cost the most.
        if (this.seen[label]) logit[label]! -= 1;
        for (let k = 0; k < touched; k++) {
          const c = this.touchedList[k]!;
          const gradient = logit[c]!;
          if (gradient > -BIAS_STEP_MIN && gradient < BIAS_STEP_MIN) continue;
          this.bias[c]! -= rate * gradient;
          const after = Math.exp(this.bias[c]!);
          this.biasMass += after - this.expBias[c]!;
          this.expBias[c] = after;
        }
        const { ids, values } = x;
        for (let i = 0; i < ids.length; i++) {
          const f = ids[i]!;
          const step = rate * values[i]!;
          for (let q = start[f]!, end = start[f + 1]!; q < end; q++) weights[q] = weights[q]! * keep - step * logit[classOf[q]!]!;
        }
        this.release(touched);
      }
    }
  }
}

function shuffleInPlace(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!; order[i] = order[j]!; order[j] = t;
  }
}

/** A copy of `items` in a seeded random order. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
