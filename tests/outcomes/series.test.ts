import { afterEach, describe, expect, it } from 'vitest';
import { computeReport } from '../../src/outcomes/index.js';
import { dailySeries } from '../../src/outcomes/series.js';
import type { Store } from '../../src/store/index.js';
import { conversation, recordedStore } from './script.js';

const opened: Store[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

/** Three days: on the 1st one resolved and one escalated; nothing on the 2nd; on the 3rd one still open and one abandoned. */
async function threeDays() {
  const { store, recorder } = recordedStore();
  opened.push(store);
  const talk = (id: string, at: string) => conversation(store, recorder, id, { at });

  const resolved = talk('a', '2026-11-01T10:00:00.000Z');
  await resolved.start();
  await resolved.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
  await resolved.feedback(true);
  await resolved.survey('csat', { score: 5 });
  await resolved.survey('ces', { score: 6 });
  await resolved.end();

  const escalated = talk('b', '2026-11-01T23:59:00.000Z');
  await escalated.start();
  await escalated.handoff('quiero hablar con una persona', 'asked', { level: 0.8 });
  await escalated.wait(5).end('channel');

  const open = talk('c', '2026-11-03T09:00:00.000Z');
  await open.start();
  await open.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
  await open.survey('csat', { score: 2 });

  const abandoned = talk('d', '2026-11-03T10:00:00.000Z');
  await abandoned.start();
  await abandoned.smalltalk('hola');
  await abandoned.end();
  return store;
}

describe('daily series', () => {
  it('counts each day\'s conversations by outcome, with the report\'s rates and the survey means', async () => {
    const store = await threeDays();
    const series = dailySeries(store.outcomes, { from: '2026-11-01', to: '2026-11-03' });
    expect(series.map((d) => [d.day, d.conversations])).toEqual([['2026-11-01', 2], ['2026-11-02', 0], ['2026-11-03', 2]]);
    const [first, empty, third] = series;
    expect(first!.outcomes).toMatchObject({ resolved_by_bot: 1, escalated: 1, open: 0 });
    expect(first!.rates).toEqual({ botResolution: 50, agentResolution: 0, escalation: 50, handedOff: 50 });
    expect(first!.csat).toEqual({ n: 1, mean: 5 });
    expect(first!.ces).toEqual({ n: 1, mean: 6 });
    expect(empty).toMatchObject({ conversations: 0, rates: { botResolution: 0, escalation: 0 }, csat: { n: 0, mean: null } });
    expect(third!.outcomes).toMatchObject({ open: 1, abandoned: 1, resolved_by_bot: 0 });
    expect(third!.csat).toEqual({ n: 1, mean: 2 });
  });

  it('adds up to the report over the same period', async () => {
    const store = await threeDays();
    const report = computeReport(store.outcomes, { from: '2026-11-01', to: '2026-11-03' });
    const series = dailySeries(store.outcomes, { from: report.period.from!, to: report.period.to! });
    expect(series.reduce((n, d) => n + d.conversations, 0)).toBe(report.conversations);
    for (const name of Object.keys(report.outcomes) as (keyof typeof report.outcomes)[]) {
      expect(series.reduce((n, d) => n + d.outcomes[name], 0), name).toBe(report.outcomes[name].count);
    }
    expect(series.reduce((n, d) => n + d.csat.n, 0)).toBe(report.csat.n);
  });

  it('pads a given period with empty days, and without one runs from the first to the last day seen', async () => {
    const store = await threeDays();
    expect(dailySeries(store.outcomes, { from: '2026-10-30', to: '2026-11-04' }).map((d) => d.day))
      .toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
    expect(dailySeries(store.outcomes).map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(dailySeries(store.outcomes, { from: '2026-11-02' }).map((d) => [d.day, d.conversations])).toEqual([['2026-11-03', 2]]);
    expect(dailySeries(store.outcomes, { from: '2020-01-01', to: '2026-12-31' }).map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(dailySeries(store.outcomes, { from: '2026-12-01', to: '2026-12-02' }).every((d) => d.conversations === 0)).toBe(true);
  });
});
