/** The value below which a share `p` of the sorted values fall (nearest rank). */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;

export const round = (n: number, digits = 4): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** p50, p95 and p99 of some latencies in milliseconds, rounded to microseconds. */
export function latencySummary(latencies: readonly number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 0.5), 3), p95: round(percentile(sorted, 0.95), 3), p99: round(percentile(sorted, 0.99), 3) };
}
