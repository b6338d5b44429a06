import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIO, tempTree } from '../helpers.js';

const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

const CASES = [
  { id: 'ok', lang: 'es', turns: [
    { user: '¿cómo activo el roaming?', expect: { decision: 'answer', articles: ['roaming-ue'] } },
    { user: '¿y cuánto tarda?', expect: { decision: 'answer', articles: ['roaming-ue'] }, needsContext: true },
    { user: 'gracias', expect: { decision: 'smalltalk' } },
  ] },
  { id: 'wrong', lang: 'en', turns: [
    { user: 'I want to talk to a person', expect: { decision: 'answer', articles: ['roaming-ue'] } },
  ] },
].map((c) => JSON.stringify(c)).join('\n');

describe('escucha eval dialogue', () => {
  it('replays conversations through the engine and counts decisions, articles and context turns, per language', async () => {
    const root = tempTree({
      'knowledge/es/roaming.md': article({ id: 'roaming-ue', title: 'Roaming en la UE', questions: ['¿cómo activo el roaming?'] },
        'Actívalo en la app.\n\n## ¿Cuánto tarda?\n\nUnos cinco minutos.'),
      'cases.jsonl': CASES,
      'bot.config.ts': 'export default { retrieval: { embedder: { provider: "none" } } };\n',
    });
    const io = captureIO(root);
    expect(await main(['eval', 'dialogue', '--knowledge', 'knowledge', '--cases', 'cases.jsonl', '--json', '--failures'], io)).toBe(0);
    const report = JSON.parse(io.out().trim().split('\n').at(-1)!);
    expect(report).toMatchObject({
      conversations: 2, turns: 4, turnAccuracy: 0.75, decisionAccuracy: 0.75, articleAccuracy: 0.6667, contextTurnAccuracy: 1,
      byDecision: { answer: { turns: 3, right: 2 }, smalltalk: { turns: 1, right: 1 } },
      byLang: { es: { turns: 3, right: 3 }, en: { turns: 1, right: 0 } },
      failures: [{ id: 'wrong', turn: 1, user: 'I want to talk to a person', expected: 'answer roaming-ue', got: 'handoff' }],
    });
  });

  it('names the line of a case file that is not a case', async () => {
    const root = tempTree({ 'knowledge/a.md': '---\ntitle: A\n---\nText.\n', 'cases.jsonl': '{"turns": [{"user": "hola"}]}\n' });
    const io = captureIO(root);
    expect(await main(['eval', 'dialogue', '--knowledge', 'knowledge', '--cases', 'cases.jsonl'], io)).toBe(2);
    expect(io.err()).toContain('cases.jsonl:1: a case needs "turns"');
  });
});
