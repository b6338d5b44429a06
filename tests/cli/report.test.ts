import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';
import { conversation, recordedStore } from '../outcomes/script.js';

/** A data folder with three conversations on 2 November 2026: resolved, unanswered, and one left at a greeting. */
async function dataFolder() {
  const root = tempTree({});
  const dataDir = path.join(root, 'data');
  const { store, recorder } = recordedStore({}, dataDir);
  const resolved = conversation(store, recorder, 'a', { at: '2026-11-02T10:00:00.000Z' });
  await resolved.start();
  await resolved.answer('¿cómo activo el roaming?', 'roaming-ue', 'como-activarlo', 0.9);
  await resolved.feedback(true);
  await resolved.survey('csat', { score: 4 });
  await resolved.end();
  const unanswered = conversation(store, recorder, 'b', { at: '2026-11-02T11:00:00.000Z', locale: 'en' });
  await unanswered.start();
  await unanswered.fallback('can I pay with bizum', 0.1);
  await unanswered.end();
  const greeting = conversation(store, recorder, 'c', { at: '2026-11-02T12:00:00.000Z' });
  await greeting.start();
  await greeting.smalltalk('hola');
  store.close();
  return { root, dataDir };
}

async function report(args: string[]) {
  const { root, dataDir } = await dataFolder();
  const io = captureIO(root);
  const code = await main(['report', '--data', dataDir, ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('escucha report', () => {
  it('prints a readable table, after settling the conversations that went idle', async () => {
    const { code, out } = await report(['--from', '2026-11-01', '--to', '2026-11-30']);
    expect(code).toBe(0);
    expect(out).toContain('conversations started from 2026-11-01 to 2026-11-30 (UTC)');
    expect(out).toMatch(/Conversations\s+3\n/);
    expect(out).toMatch(/resolved by the bot\s+1\s+33\.4%/);
    expect(out).toMatch(/unresolved\s+1\s+33\.3%/);
    // "hola" on 2 November is long over: settled as abandoned, not left open.
    expect(out).toMatch(/abandoned\s+1\s+33\.3%/);
    expect(out).toMatch(/open\s+0\s+0\.0%/);
    expect(out).toMatch(/CSAT \(1-5\)\s+4\.00\s+n=1/);
    expect(out).toMatch(/roaming-ue\s+1\s+1\s+0\s+100\.0%/);
    expect(out).toContain('1. 1× [en] "can I pay with bizum"');
  });

  it('prints the same figures as JSON and as CSV', async () => {
    const json = await report(['--json']);
    expect(json.code).toBe(0);
    const figures = JSON.parse(json.out);
    expect(figures).toMatchObject({
      conversations: 3,
      outcomes: { resolved_by_bot: { count: 1, percent: 33.4 }, unresolved: { count: 1, percent: 33.3 }, abandoned: { count: 1, percent: 33.3 } },
      csat: { n: 1, mean: 4, satisfiedPercent: 100, skipped: 0 },
      gaps: [{ locale: 'en', count: 1, examples: ['can I pay with bizum'], suggestion: { action: 'new_article' } }],
    });
    const csv = await report(['--csv']);
    expect(csv.out.split('\n')[0]).toBe('section,item,metric,value');
    expect(csv.out).toContain('\nconversations,,count,3\n');
    expect(csv.out).toContain('\noutcomes,resolved_by_bot,percent,33.4\n');
    expect(csv.out).toContain('\ncsat,,mean,4\n');
    expect(csv.out).toContain('\ngaps,1,example_1,can I pay with bizum\n');
  });

  it('counts nothing outside the period', async () => {
    const { out } = await report(['--from', '2026-12-01', '--json']);
    expect(JSON.parse(out)).toMatchObject({ conversations: 0, period: { from: '2026-12-01T00:00:00.000Z', to: null } });
  });

  it('explains a wrong call', async () => {
    expect(await report(['--json', '--csv'])).toMatchObject({ code: 2, err: 'escucha report: choose one of --json and --csv\n' });
    expect(await report(['--from', 'yesterday'])).toMatchObject({ code: 2, err: 'escucha report: --from expects a date such as 2026-11-01, got "yesterday"\n' });
    expect(await report(['--from', '2026-11-05', '--to', '2026-11-01'])).toMatchObject({ code: 2 });
    const help = captureIO(tempTree({}));
    expect(await main(['report', '--help'], help)).toBe(0);
    expect(help.out()).toContain('Usage: escucha report');
  });
});
