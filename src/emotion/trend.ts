/**
 * Frustration over a conversation. One message rarely says it all: "¿y esto cómo va?", "sigue igual", "no lo
 * entiendo", "¿alguien me puede ayudar?!" are each mild, but together they are a customer losing patience.
 */

export interface TrendOptions {
  /** The conversation level at or above which the customer counts as frustrated. */
  threshold: number;
  /** Share of the level carried to the next message (0: only the latest message counts). */
  carry: number;
  /** Share of each message's score added to what is carried. */
  gain: number;
  /** Messages looked at to decide whether frustration is rising. */
  window: number;
  /** Rise from the lowest to the latest score within the window that counts as rising. */
  minRise: number;
  /** A rising trend counts as frustrated from this level (below `threshold`). */
  risingThreshold: number;
}

/** A message at least this frustrated counts towards a rising trend. */
const MILD = 0.1;

export const DEFAULT_TREND_OPTIONS: TrendOptions = { threshold: 0.5, carry: 0.7, gain: 0.6, window: 4, minRise: 0.2, risingThreshold: 0.4 };

export interface Trend {
  /** 0..1: the conversation's frustration after the latest message. */
  level: number;
  /** The last few scores climb: each at least the one before, and clearly higher overall. */
  rising: boolean;
  /** level ≥ threshold, or rising with level ≥ risingThreshold. */
  frustrated: boolean;
  latest: number;
  peak: number;
}

/**
 * The trend of a conversation's message scores, oldest first. The level is the latest score or, when higher, what
 * was carried from earlier messages plus a share of the latest: a steady 0.1 settles at 0.2, a steady 0.3 climbs to
 * 0.6, and 0.2, 0.3, 0.4, 0.45 reaches 0.59 although no message alone reached 0.5.
 */
export function trend(scores: readonly number[], options: Partial<TrendOptions> = {}): Trend {
  const o = { ...DEFAULT_TREND_OPTIONS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  let level = 0;
  for (const score of scores) level = Math.min(1, Math.max(score, o.carry * level + o.gain * score));
  const recent = scores.slice(-Math.max(2, o.window));
  let climbing = recent.length >= 3;
  for (let i = 1; i < recent.length && climbing; i++) if (recent[i]! < recent[i - 1]! - 0.05) climbing = false;
  const latest = scores[scores.length - 1] ?? 0;
  // "Several mild messages": one outburst after calm ones is a jump, judged by its level, not a rising trend.
  const upset = recent.filter((score) => score >= MILD).length;
  const rising = climbing && upset >= 2 && latest - Math.min(...recent) >= o.minRise;
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  return {
    level: round(level), rising,
    frustrated: level >= o.threshold || (rising && level >= o.risingThreshold),
    latest, peak: scores.length ? Math.max(...scores) : 0,
  };
}
