import { describe, expect, it } from 'vitest';
import { scoreMessage, trend } from '../../src/emotion/index.js';

describe('trend', () => {
  it('several rising mild messages count, although none alone is frustrated', () => {
    const scores = [0.2, 0.3, 0.4, 0.45];
    const result = trend(scores);
    expect(Math.max(...scores)).toBeLessThan(0.5);
    expect(result.rising).toBe(true);
    expect(result.frustrated).toBe(true);
    expect(result.level).toBeGreaterThan(result.latest);
  });

  it('a calm conversation stays calm, however long', () => {
    const result = trend(Array(30).fill(0.1));
    expect(result.frustrated).toBe(false);
    expect(result.rising).toBe(false);
    expect(result.level).toBeLessThan(0.25);
  });

  it('one frustrated message is frustrated, and calms down afterwards', () => {
    expect(trend([0, 0.8]).frustrated).toBe(true);
    expect(trend([0.8, 0, 0, 0, 0]).frustrated).toBe(false);
  });

  it('mild messages that stay mild add up only when they keep coming', () => {
    expect(trend([0.3, 0.3]).frustrated).toBe(false);
    expect(trend([0.3, 0.3, 0.3, 0.3, 0.3, 0.3]).frustrated).toBe(true);
  });

  it('takes its thresholds as options', () => {
    expect(trend([0.2, 0.3, 0.4, 0.45], { threshold: 0.9, risingThreshold: 0.9 }).frustrated).toBe(false);
    expect(trend([0.6], { threshold: 0.7 }).frustrated).toBe(false);
    expect(trend([]).level).toBe(0);
  });

  it('follows a real conversation getting worse', () => {
    const messages = ['hola, no me funcionan los datos', 'ya lo he reiniciado y sigue igual', 'pues sigo sin datos', 'y sigo esperando una solución'];
    const scores = messages.map((text, i) => scoreMessage(text, 'es', messages.slice(0, i)).score);
    expect(scores.every((s) => s < 0.5)).toBe(true);
    expect(trend(scores)).toMatchObject({ rising: true, frustrated: true });
    expect(trend(scores.slice(0, 2)).frustrated).toBe(false);
  });

  it('a single outburst after calm messages is a jump, not a rising trend', () => {
    expect(trend([0, 0, 0.45])).toMatchObject({ rising: false, frustrated: false });
    expect(trend([0, 0.2, 0.45]).rising).toBe(true);
  });
});
