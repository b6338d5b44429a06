import type { SearchHit } from '../retrieval/index.js';

export interface Thresholds {
  /** Answer only at or above this confidence. */
  answer: number;
  /** Below this, nothing is good enough to even offer. */
  clarify: number;
  /** Candidates within this much of the best one are "close": the customer picks. */
  margin: number;
}

export type RetrievalDecision =
  | { decision: 'answer'; hit: SearchHit }
  | { decision: 'clarify'; options: SearchHit[] }
  | { decision: 'fallback'; best?: SearchHit };

const MAX_OPTIONS = 3;

/**
 * What to do with ranked hits: answer from a clear winner, ask when two or three are close or the best is only
 * fair, and admit there is no answer when nothing is good. Never answer from a weak match.
 */
export function decideFromHits(hits: readonly SearchHit[], thresholds: Thresholds): RetrievalDecision {
  const best = hits[0];
  if (!best || best.confidence < thresholds.clarify) return best ? { decision: 'fallback', best } : { decision: 'fallback' };
  const close = hits.filter((h) => h.confidence >= thresholds.clarify && best.confidence - h.confidence <= thresholds.margin).slice(0, MAX_OPTIONS);
  if (best.confidence >= thresholds.answer && close.length === 1) return { decision: 'answer', hit: best };
  if (close.length >= 2) return { decision: 'clarify', options: close };
  // Fair but not sure (below the answer threshold): offer the best ones rather than guess.
  return { decision: 'clarify', options: hits.filter((h) => h.confidence >= thresholds.clarify).slice(0, MAX_OPTIONS) };
}
