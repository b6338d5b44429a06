import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';

const CASES = [
  { id: 'es-1', text: 'Estoy harto, llevo una hora esperando y nadie me contesta', lang: 'es', frustrated: true },
  { id: 'es-2', text: 'hola, ¿cómo cambio mi plan?', lang: 'es', frustrated: false },
  { id: 'es-3', text: '¿Cuándo me llega la SIM nueva?', context: ['¿Cuándo llega la SIM nueva que pedí?', { role: 'bot', text: 'En 48 horas.' }, '¿sabéis cuándo me llega la SIM nueva?'], lang: 'es', frustrated: true },
  { id: 'en-1', text: 'you are a useless bot', lang: 'en', frustrated: true },
  { id: 'en-2', text: 'Thanks, that was exactly what I needed', lang: 'en', frustrated: false },
  // A hard one the detector gets wrong: polite anger with no telling word.
  { id: 'en-3', text: 'I would like this resolved today, please', lang: 'en', frustrated: true },
].map((c) => JSON.stringify(c)).join('\n');

const run = async (files: Record<string, string>, ...args: string[]) => {
  const root = tempTree(files);
  const io = captureIO(root);
  const code = await main(['eval', 'emotion', ...args], io);
  return { code, out: io.out(), err: io.err() };
};

describe('escucha eval emotion', () => {
  it('prints precision, recall, F1 and accuracy per language and overall', async () => {
    const { code, out } = await run({ 'cases.jsonl': `${CASES}\n` }, '--cases', 'cases.jsonl', '--failures');
    expect(code).toBe(0);
    expect(out).toContain('cases.jsonl: 6 messages; frustrated from score 0.5');
    expect(out).toContain('| es | 3 | 2 | 100.0 | 100.0 | 100.0 | 100.0 |');
    expect(out).toContain('| en | 3 | 2 | 100.0 | 50.0 | 66.7 | 66.7 |');
    expect(out).toContain('| all | 6 | 4 | 100.0 | 75.0 | 85.7 | 83.3 |');
    expect(out).toMatch(/en-3 \[frustrated, score 0\] "I would like this resolved today, please"/);
  });

  it('ends with one JSON object with --json', async () => {
    const { code, out } = await run({ 'cases.jsonl': CASES }, '--cases', 'cases.jsonl', '--json');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]!);
    expect(report).toMatchObject({ cases: 6, precision: 1, recall: 0.75, f1: 0.8571, accuracy: 0.8333, threshold: 0.5 });
    expect(report.byLang.es).toMatchObject({ cases: 3, f1: 1 });
    expect(report.byLang.en).toMatchObject({ cases: 3, recall: 0.5 });
    expect(Object.keys(report.latencyMs)).toEqual(['p50', 'p95', 'p99']);
  });

  it('reads GoEmotions and maps its labels to frustrated or not, leaving the unclear ones out', async () => {
    const labels = ['admiration', 'anger', 'annoyance', 'sadness', 'gratitude', 'neutral'];
    const rows = [
      ['This is so stupid, I hate it', '1', 'a1'], ['Ugh, annoying as hell', '2,5', 'a2'], ['Thanks [NAME], you are great', '4', 'a3'],
      ['I went to the store', '5', 'a4'], ['I miss my dog', '3', 'a5'], ['Love it but it makes me angry', '0,1', 'a6'],
    ];
    const files = {
      'ge/labels.txt': `${labels.join('\n')}\n`,
      'ge/dev.tsv': `${rows.map((r) => r.join('\t')).join('\n')}\n`,
      'ge/test.tsv': 'I went to the store\t5\tb1\n',
    };
    const { code, out } = await run(files, '--goemotions', 'ge', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out.trim().split('\n').pop()!);
    expect(report).toMatchObject({ source: 'goemotions/dev', cases: 4, excluded: 2, precision: 1, recall: 1 });
    expect(JSON.parse((await run(files, '--goemotions', 'ge', '--split', 'test', '--json')).out.trim()).cases).toBe(1);
  });

  it('says what is wrong with its arguments or its cases', async () => {
    expect((await run({}, '--cases', 'nope.jsonl')).err).toContain('cannot read');
    expect((await run({})).err).toContain('eval emotion needs either --cases FILE.jsonl or --goemotions DIR');
    expect((await run({ 'c.jsonl': '' }, '--cases', 'c.jsonl', '--threshold', 'high')).err).toContain('--threshold must be a number between 0 and 1');
    expect((await run({}, '--goemotions', 'ge', '--split', 'train')).err).toContain('--split must be dev or test');
    const bad = await run({ 'c.jsonl': '{"text": "hola"}\n' }, '--cases', 'c.jsonl');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('c.jsonl:1: a case needs "text" (the message) and "frustrated" (true or false)');
  });

  it('is listed in escucha eval --help', async () => {
    const io = captureIO(tempTree({}));
    await main(['eval', '--help'], io);
    expect(io.out()).toContain('escucha eval emotion');
  });
});
