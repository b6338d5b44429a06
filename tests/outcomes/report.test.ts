import { afterEach, describe, expect, it } from 'vitest';
import { computeReport, formatReportCsv, formatReportTable, sharesOf } from '../../src/outcomes/index.js';
import type { Store } from '../../src/store/index.js';
import { conversation, recordedStore } from './script.js';

const opened: Store[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

/**
 * Twelve conversations on 2 November 2026 (and one on 31 October), one of each kind, told through engine events;
 * the report is asked for at 13:00.
 */
async function twelveConversations() {
  const { store, recorder } = recordedStore();
  opened.push(store);
  const talk = (id: string, at: string, locale = 'es') => conversation(store, recorder, id, { at: `2026-11-02T${at}:00.000Z`, locale });

  const old = conversation(store, recorder, 'c0', { at: '2026-10-31T09:00:00.000Z' });
  await old.start();
  await old.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
  await old.end();

  // Resolved: the customer said it helped.
  const c1 = talk('c1', '10:00');
  await c1.start();
  await c1.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
  await c1.feedback(true);
  await c1.end();

  // Resolved: answered, then silence.
  const c2 = talk('c2', '10:10', 'en');
  await c2.start();
  await c2.answer('I forgot my password', 'change-password', 'from-the-app', 0.8);

  // Escalated: no answer, asked for a person, the channel closed it while the case was open.
  const c3 = talk('c3', '10:20');
  await c3.start();
  await c3.fallback('¿puedo pagar con bizum?', 0.1, { level: 0.4 });
  await c3.handoff('quiero hablar con una persona', 'asked', { level: 0.8 });
  await c3.wait(17).end('channel');

  // Abandoned: only a greeting.
  const c4 = talk('c4', '10:30');
  await c4.start();
  await c4.smalltalk('hola');

  // Surveyed: answered, CSAT 5, CES 6 and a comment with an email in it.
  const c5 = talk('c5', '10:40');
  await c5.start();
  await c5.answer('cambiar pin', 'pin-sim', 'desde-el-movil', 0.7);
  await c5.survey('csat', { score: 5 });
  await c5.survey('ces', { score: 6 });
  await c5.survey('ces', { comment: 'muy rápido; escribidme a ana@example.com' });
  await c5.end();

  // Unresolved: the answer did not help and the next question had no answer.
  const c6 = talk('c6', '10:50');
  await c6.start();
  await c6.answer('no me llega el sms', 'sms-verificacion', 'reenviar', 0.6);
  await c6.feedback(false, { level: 0.35 });
  await c6.fallback('pagar la factura con bizum', 0.15, { level: 0.35 });

  // Resolved by an agent, who then handed back; the survey afterwards is recorded but changes nothing.
  const c7 = talk('c7', '11:00', 'en');
  await c7.start();
  await c7.handoff('I want to cancel my contract', 'escalate', { level: 0.2, articles: [{ id: 'cancel', title: 'Cancel', confidence: 0.9 }] });
  await c7.wait(18).handedBack(true);
  await c7.survey('csat', { score: 4 });

  // Mixed languages, helped, CSAT skipped.
  const c8 = talk('c8', '11:30');
  await c8.start();
  await c8.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.85);
  await c8.answer('and how long does it take?', 'eu-roaming', 'how-long', 0.7, { locale: 'en' });
  await c8.feedback(true);
  await c8.survey('csat', { skipped: true });
  await c8.end();

  // Still open at 13:00: the bot asked which article, 19 minutes ago.
  const c9 = talk('c9', '12:40', 'en');
  await c9.start();
  await c9.clarify('the code of my sim is not accepted', [['pin-sim', 0.35], ['puk-sim', 0.33]]);

  // Handed back without being solved, and the customer did not escalate again: resolved by the agent.
  const c10 = talk('c10', '11:40');
  await c10.start();
  await c10.fallback('¿puedo pagar con bizum?', 0.12, { level: 0.5 });
  await c10.handoff('agente', 'asked', { level: 0.6 });
  await c10.wait(17).handedBack(false);

  // Abandoned at a clarification.
  const c11 = talk('c11', '12:00');
  await c11.start();
  await c11.clarify('no me acepta el código de la sim', [['pin-sim', 0.38], ['puk-sim', 0.36]]);

  // Unresolved: a fallback, then the customer closed it.
  const c12 = talk('c12', '12:10', 'en');
  await c12.start();
  await c12.fallback('how do I port my number', 0.05);
  await c12.end();

  const closed = recorder.closeIdle(new Date('2026-11-02T13:00:00.000Z'));
  return { store, recorder, closed };
}

describe('the report of scripted conversations', () => {
  it('counts each conversation once, with rates that add up to 100%', async () => {
    const { store, closed } = await twelveConversations();
    expect(closed).toBe(5); // c2, c4, c6, c10, c11
    const report = computeReport(store.outcomes, { from: '2026-11-01', to: '2026-11-02' });
    expect(report.period).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' });
    expect(report.conversations).toBe(12);
    expect(report.outcomes).toEqual({
      resolved_by_bot: { count: 4, percent: 33.3 },
      resolved_by_agent: { count: 2, percent: 16.7 },
      escalated: { count: 1, percent: 8.3 },
      unresolved: { count: 2, percent: 16.7 },
      abandoned: { count: 2, percent: 16.7 },
      open: { count: 1, percent: 8.3 },
    });
    const shares = Object.values(report.outcomes);
    expect(shares.reduce((sum, s) => sum + s.count, 0)).toBe(report.conversations);
    expect(Math.round(shares.reduce((sum, s) => sum + s.percent, 0) * 10) / 10).toBe(100);
    expect(report.openWithTeam).toBe(0);
    expect(report.handedOff).toEqual({ count: 3, percent: 25 });
  });

  it('gives CSAT, CES, time to resolution and the frustration distribution', async () => {
    const { store } = await twelveConversations();
    const report = computeReport(store.outcomes, { from: '2026-11-01', to: '2026-11-02' });
    expect(report.csat).toEqual({ n: 2, mean: 4.5, satisfiedPercent: 100, skipped: 1 });
    expect(report.ces).toEqual({ n: 1, mean: 6, skipped: 0 });
    // c1, c2, c5: 1 min; c8: 2 min (its last answer); c7 and c10: 20 min (the handback).
    expect(report.timeToResolution).toEqual({ n: 6, medianSeconds: 90 });
    expect(report.frustration).toEqual([
      { band: 'calm', from: 0, to: 0.3, count: 9, percent: 75 },
      { band: 'mild', from: 0.3, to: 0.7, count: 2, percent: 16.7 },
      { band: 'high', from: 0.7, to: 1, count: 1, percent: 8.3 },
    ]);
    expect(report.turns.count).toBe(19);
  });

  it('gives views and helpfulness per article and section', async () => {
    const { store } = await twelveConversations();
    const report = computeReport(store.outcomes, { from: '2026-11-01', to: '2026-11-02' });
    const section = (views: number, helpful: number, notHelpful: number, helpfulPercent: number | null) => ({ views, helpful, notHelpful, helpfulPercent });
    expect(report.articles).toEqual([
      { id: 'roaming-ue', ...section(2, 1, 0, 100), sections: [{ section: 'como-activarlo', ...section(2, 1, 0, 100) }] },
      { id: 'eu-roaming', ...section(1, 1, 0, 100), sections: [{ section: 'how-long', ...section(1, 1, 0, 100) }] },
      { id: 'sms-verificacion', ...section(1, 0, 1, 0), sections: [{ section: 'reenviar', ...section(1, 0, 1, 0) }] },
      { id: 'change-password', ...section(1, 0, 0, null), sections: [{ section: 'from-the-app', ...section(1, 0, 0, null) }] },
      { id: 'pin-sim', ...section(1, 0, 0, null), sections: [{ section: 'desde-el-movil', ...section(1, 0, 0, null) }] },
    ]);
  });

  it('groups unanswered and low-confidence questions into gaps with a suggested action', async () => {
    const { store } = await twelveConversations();
    const report = computeReport(store.outcomes, { from: '2026-11-01', to: '2026-11-02' });
    expect(report.gaps).toEqual([
      { locale: 'es', count: 3, examples: ['¿puedo pagar con bizum?', 'pagar la factura con bizum'], bestConfidence: 0.15, suggestion: { action: 'new_article' } },
      { locale: 'es', count: 1, examples: ['no me acepta el código de la sim'], bestConfidence: 0.38, suggestion: { action: 'alternate_question', articleId: 'pin-sim' } },
      { locale: 'en', count: 1, examples: ['how do I port my number'], bestConfidence: 0.05, suggestion: { action: 'new_article' } },
      { locale: 'en', count: 1, examples: ['the code of my sim is not accepted'], bestConfidence: 0.35, suggestion: { action: 'alternate_question', articleId: 'pin-sim' } },
    ]);
  });

  it('counts only the period asked for; without one, everything', async () => {
    const { store } = await twelveConversations();
    expect(computeReport(store.outcomes).conversations).toBe(13);
    expect(computeReport(store.outcomes, { to: '2026-10-31' })).toMatchObject({ conversations: 1, outcomes: { resolved_by_bot: { count: 1, percent: 100 } } });
    expect(computeReport(store.outcomes, { from: '2026-11-03' }).conversations).toBe(0);
    expect(computeReport(store.outcomes, { from: '2026-11-02T12:00:00Z' }).conversations).toBe(3); // c9, c11, c12
  });

  it('says the same in the table, the CSV and the JSON', async () => {
    const { store } = await twelveConversations();
    const report = computeReport(store.outcomes, { from: '2026-11-01', to: '2026-11-02' });
    const table = formatReportTable(report);
    expect(table).toContain('conversations started from 2026-11-01 to 2026-11-02 (UTC)');
    expect(table).toMatch(/Conversations\s+12/);
    expect(table).toMatch(/resolved by the bot\s+4\s+33\.3%/);
    expect(table).toMatch(/CSAT \(1-5\)\s+4\.50\s+n=2, 100\.0% gave 4-5, 1 skipped/);
    expect(table).toMatch(/Median time to resolution\s+1 min 30 s/);
    expect(table).toContain('1. 3× [es] "¿puedo pagar con bizum?" · "pagar la factura con bizum"');
    expect(table).toContain('add as an alternate question to article pin-sim');

    const csv = formatReportCsv(report);
    const figures = new Map(csv.trim().split('\n').slice(1).map((line) => {
      const [section, item, metric, ...value] = line.split(',');
      return [`${section}.${item}.${metric}`, value.join(',')];
    }));
    expect(figures.get('conversations..count')).toBe('12');
    expect(figures.get('outcomes.resolved_by_bot.percent')).toBe('33.3');
    expect(figures.get('outcomes.open.count')).toBe('1');
    expect(figures.get('csat..mean')).toBe('4.5');
    expect(figures.get('time_to_resolution..median_seconds')).toBe('90');
    expect(figures.get('articles.roaming-ue#como-activarlo.views')).toBe('2');
    expect(figures.get('gaps.1.example_1')).toBe('¿puedo pagar con bizum?');
    // A customer's words that start like a spreadsheet formula are written as text.
    const risky = { ...report, gaps: [{ ...report.gaps[0]!, examples: ['=HYPERLINK("http://x","y")', '+34 600', '@cmd'] }] };
    const lines = formatReportCsv(risky).split('\n').filter((line) => line.startsWith('gaps,1,example_'));
    expect(lines).toEqual(['gaps,1,example_1,"\'=HYPERLINK(""http://x"",""y"")"', "gaps,1,example_2,'+34 600", "gaps,1,example_3,'@cmd"]);
    expect(figures.get('gaps.2.article')).toBe('pin-sim');
    // Every number of the JSON is in the CSV.
    const json = JSON.parse(JSON.stringify(report)) as typeof report;
    for (const [name, share] of Object.entries(json.outcomes)) {
      expect(figures.get(`outcomes.${name}.count`)).toBe(String(share.count));
      expect(figures.get(`outcomes.${name}.percent`)).toBe(String(share.percent));
    }
  });

  it('stores texts redacted', async () => {
    const { store } = await twelveConversations();
    const comments = store.db.prepare("SELECT comment FROM surveys WHERE comment IS NOT NULL").all();
    expect(comments).toEqual([{ comment: 'muy rápido; escribidme a [email]' }]);
  });
});

describe('shares', () => {
  it('round to tenths that add up to exactly 100', () => {
    expect(sharesOf([1, 1, 1], 3)).toEqual([33.4, 33.3, 33.3]);
    expect(sharesOf([2, 1, 0], 3)).toEqual([66.7, 33.3, 0]);
    expect(sharesOf([0, 0], 0)).toEqual([0, 0]);
    expect(sharesOf([1, 0, 0, 6], 7).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 10);
  });
});
