import { describe, expect, it } from 'vitest';
import { decideFromHits } from '../../src/dialogue/policy.js';
import type { SearchHit } from '../../src/retrieval/index.js';

const hit = (id: string, confidence: number) => ({ article: { id }, section: {}, confidence, signals: { lexical: 0, coverage: 0 } }) as unknown as SearchHit;
const thresholds = { answer: 0.55, clarify: 0.35, margin: 0.08 };
const ids = (d: ReturnType<typeof decideFromHits>) =>
  d.decision === 'answer' ? [d.hit.article.id] : d.decision === 'clarify' ? d.options.map((o) => o.article.id) : [];

describe('decision from ranked hits', () => {
  it('answers only from a clear winner above the answer threshold', () => {
    const d = decideFromHits([hit('a', 0.8), hit('b', 0.5)], thresholds);
    expect([d.decision, ids(d)]).toEqual(['answer', ['a']]);
  });

  it('asks the customer to choose among two or three close candidates', () => {
    const d = decideFromHits([hit('a', 0.8), hit('b', 0.76), hit('c', 0.74), hit('d', 0.73), hit('e', 0.2)], thresholds);
    expect([d.decision, ids(d)]).toEqual(['clarify', ['a', 'b', 'c']]);
  });

  it('offers options instead of guessing when the best is only fair', () => {
    const d = decideFromHits([hit('a', 0.5), hit('b', 0.3)], thresholds);
    expect([d.decision, ids(d)]).toEqual(['clarify', ['a']]);
  });

  it('falls back when nothing reaches the clarify threshold, or nothing matched', () => {
    expect(decideFromHits([hit('a', 0.3)], thresholds).decision).toBe('fallback');
    expect(decideFromHits([], thresholds)).toEqual({ decision: 'fallback' });
  });
});
