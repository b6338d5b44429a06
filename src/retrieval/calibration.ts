/**
 * Turns a raw match score into the probability that the article answers the query (Platt scaling), so the
 * dialogue thresholds mean the same in every language and search mode. Raw scores are not comparable across
 * them: a Spanish query with words the help center never uses scores lower than an English one that is just as
 * right, and fusing a semantic signal shifts the whole range.
 */
export interface PlattScale { slope: number; intercept: number }

/** Keyed by `<model>/<locale>`, where model is `lexical` or the embedder id whose signal was fused in. */
export type Calibration = Readonly<Record<string, PlattScale>>;

/**
 * Fitted with `escucha eval calibrate` on the development splits of the public sets in ../shared/eval (clinc150
 * val + oos_val and held-out banking77 training utterances for English, tod-es eval-es for Spanish); the figures
 * in the README are measured on the separate test splits. A semantic model without an entry gets the generic one;
a lexical language without one stays raw.
 */
export const DEFAULT_CALIBRATION: Calibration = {
  // 4242 development queries, 26.4% out of scope; 54.8% right at top 1
  'lexical/en': { slope: 4.481, intercept: -1.931 },
  // 1959 development queries, 25.7% out of scope; 51.7% right at top 1
  'lexical/es': { slope: 5.047, intercept: -1.769 },
  // 4255 development queries, 26.4% out of scope; 61.7% right at top 1
  'semantic/*': { slope: 7.768, intercept: -3.515 },
  // 4255 development queries, 26.4% out of scope; 61.7% right at top 1
  'use-lite/en': { slope: 7.768, intercept: -3.515 },
};

export const calibrationKey = (model: string, locale: string) => `${model}/${locale}`;

/** Used for a semantic model or language nobody fitted: similarities are normalised per model, so it transfers. */
export const GENERIC_SEMANTIC = 'semantic/*';

export function scaleFor(calibration: Calibration, key: string, semantic: boolean): PlattScale | undefined {
  return calibration[key] ?? (semantic ? calibration[GENERIC_SEMANTIC] : undefined);
}

export function calibrate(raw: number, scale: PlattScale | undefined): number {
  return scale ? 1 / (1 + Math.exp(-(scale.slope * raw + scale.intercept))) : raw;
}

/** Logistic regression on one feature, by Newton's method: the scale that best predicts `correct` from `score`. */
export function fitPlatt(samples: ReadonlyArray<{ score: number; correct: boolean }>): PlattScale {
  // Platt's smoothed targets keep the fit finite when the classes separate perfectly.
  const positives = samples.filter((s) => s.correct).length;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (samples.length - positives + 2);
  let slope = 1, intercept = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    let g0 = 0, g1 = 0, h00 = 1e-9, h01 = 0, h11 = 1e-9;
    for (const { score, correct } of samples) {
      const p = 1 / (1 + Math.exp(-(slope * score + intercept)));
      const error = p - (correct ? high : low);
      const w = p * (1 - p);
      g0 += error * score; g1 += error;
      h00 += w * score * score; h01 += w * score; h11 += w;
    }
    const det = h00 * h11 - h01 * h01;
    if (!det) break;
    const dSlope = (h11 * g0 - h01 * g1) / det;
    const dIntercept = (h00 * g1 - h01 * g0) / det;
    slope -= dSlope; intercept -= dIntercept;
    if (Math.abs(dSlope) + Math.abs(dIntercept) < 1e-9) break;
  }
  return { slope, intercept };
}
