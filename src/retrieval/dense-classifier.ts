import { seededRandom } from '../util/random.js';
import { STEPS_PER_PAUSE, type Pause } from './softmax.js';

/** A training example: a sentence vector, its class, and the classes it must be told apart from. */
export interface DenseExample { vector: Float32Array; label: number; rivals: Int32Array }

export interface DenseSoftmaxOptions {
  /** Passes over the examples: `steps / examples`, within [minEpochs, maxEpochs]. */
  steps: number;
  minEpochs: number;
  maxEpochs: number;
  learningRate: number;
  decay: number;
  /** Input scale: unit vectors are small inputs for a linear model that must separate near neighbours. */
  inputScale: number;
  seed: number;
}

/** A class whose probability is off by less than this for an example is not moved by it. */
const GRADIENT_MIN = 1e-3;

export const DENSE_SOFTMAX_DEFAULTS: DenseSoftmaxOptions = { steps: 10_000, minEpochs: 3, maxEpochs: 12, learningRate: 1, decay: 0.3, inputScale: 2, seed: 5 };

/**
 * Logistic regression over sentence vectors with a weight vector per class, trained and used as a re-ranker: the
 * softmax runs over a few candidate classes (the example's own and its closest rivals), not over all of them.
 * A help center of 2,000 topics would otherwise cost 2,000 dot products per training step; its rivals are what
 * the ranking must get right anyway.
 */
export class DenseSoftmax {
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;

  constructor(readonly classes: number, readonly dimensions: number) {
    this.weights = new Float32Array(classes * dimensions);
    this.bias = new Float64Array(classes);
  }

  get parameters(): number { return this.weights.length + this.bias.length; }

  /** Softmax over `among` for `vector`, in the same order. */
  probabilitiesAmong(vector: Float32Array, among: ArrayLike<number>, options: DenseSoftmaxOptions = DENSE_SOFTMAX_DEFAULTS): Float64Array {
    const out = new Float64Array(among.length);
    let max = -Infinity;
    for (let k = 0; k < among.length; k++) {
      out[k] = options.inputScale * this.dot(among[k]!, vector) + this.bias[among[k]!]!;
      max = Math.max(max, out[k]!);
    }
    let total = 0;
    for (let k = 0; k < out.length; k++) { out[k] = Math.exp(out[k]! - max); total += out[k]!; }
    for (let k = 0; k < out.length; k++) out[k]! /= total;
    return out;
  }

  private dot(c: number, vector: Float32Array): number {
    const { weights, dimensions } = this;
    const base = c * dimensions;
    let s = 0;
    for (let d = 0; d < dimensions; d++) s += weights[base + d]! * vector[d]!;
    return s;
  }

  /** Stochastic gradient descent on the cross-entropy over each example's class and rivals. */
  async train(examples: readonly DenseExample[], options: DenseSoftmaxOptions = DENSE_SOFTMAX_DEFAULTS, pause?: Pause): Promise<void> {
    const { weights, bias, dimensions } = this;
    const prepared = examples.map(({ vector, label, rivals }) => ({ vector, among: Int32Array.from([label, ...Array.from(rivals).filter((c) => c !== label)]) }));
    const order = Int32Array.from(examples.keys());
    const random = seededRandom(options.seed);
    const epochs = Math.min(options.maxEpochs, Math.max(options.minEpochs, Math.round(options.steps / Math.max(1, examples.length))));
    const scale = options.inputScale;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const t = order[i]!; order[i] = order[j]!; order[j] = t;
      }
      const rate = options.learningRate / (1 + epoch * options.decay);
      for (let n = 0; n < order.length; n++) {
        if (pause && n % STEPS_PER_PAUSE === STEPS_PER_PAUSE - 1) await pause();
        const { vector, among } = prepared[order[n]!]!;
        const p = this.probabilitiesAmong(vector, among, options);
        for (let k = 0; k < among.length; k++) {
          const c = among[k]!;
          // The example's own class comes first.
          const gradient = p[k]! - (k === 0 ? 1 : 0);
          if (gradient > -GRADIENT_MIN && gradient < GRADIENT_MIN) continue;
          bias[c]! -= rate * gradient;
          const step = rate * gradient * scale;
          const base = c * dimensions;
          for (let d = 0; d < dimensions; d++) weights[base + d]! -= step * vector[d]!;
        }
      }
    }
  }
}
