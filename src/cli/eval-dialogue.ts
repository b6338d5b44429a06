import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { engineSettings, retrievalSettings, type Config } from '../config/index.js';
import { DialogueEngine } from '../dialogue/engine.js';
import { MemoryConversationStore } from '../dialogue/state.js';
import type { Decision, TurnResult } from '../dialogue/types.js';
import { loadKnowledge } from '../knowledge/index.js';
import { buildRetrieval } from '../retrieval/index.js';
import { latencySummary, round } from '../util/stats.js';
import { UsageError } from './io.js';

interface DialogueTurn { user: string; expect: { decision: Decision; articles?: string[] }; needsContext?: boolean }
interface DialogueCase { id: string; lang?: string; turns: DialogueTurn[] }

export interface DialogueReport {
  conversations: number; turns: number;
  decisionAccuracy: number; articleAccuracy: number; contextTurnAccuracy: number; turnAccuracy: number;
  byDecision: Record<string, { turns: number; right: number }>;
  /** Turns right per language the conversation starts in. */
  byLang: Record<string, { turns: number; right: number }>;
  latencyMs: { p50: number; p95: number; p99: number };
  embedder: string;
  failures: { id: string; turn: number; user: string; expected: string; got: string }[];
}

const DECISIONS = new Set(['answer', 'clarify', 'fallback', 'handoff', 'smalltalk']);

function readDialogues(file: string): DialogueCase[] {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { throw new UsageError(`cannot read the cases file ${file}`); }
  return text.split('\n').map((line, i) => ({ line, i })).filter(({ line }) => line.trim()).map(({ line, i }) => {
    let value: Partial<DialogueCase>;
    try { value = JSON.parse(line) as Partial<DialogueCase>; } catch { throw new UsageError(`${file}:${i + 1}: not a JSON object`); }
    const turns = value.turns;
    if (!Array.isArray(turns) || !turns.length || !turns.every((t) => typeof t?.user === 'string' && DECISIONS.has(t?.expect?.decision))) {
      throw new UsageError(`${file}:${i + 1}: a case needs "turns": [{"user": "...", "expect": {"decision": "answer|clarify|fallback|handoff|smalltalk"}}]`);
    }
    return { id: String(value.id ?? i + 1), ...(value.lang && { lang: value.lang }), turns };
  });
}

/** Whether the engine's articles match what the turn expects: the answer among them, or them among the options. */
function articlesRight(turn: DialogueTurn, result: TurnResult): boolean {
  const expected = turn.expect.articles;
  if (!expected?.length) return true;
  const got = result.articles.map((a) => a.id);
  if (turn.expect.decision === 'clarify') return expected.every((id) => got.includes(id));
  return got.some((id) => expected.includes(id));
}

/** Replays every conversation through the production engine (in-memory store, throwaway index). */
export async function evaluateDialogue(config: Config, knowledgeDir: string, casesFile: string, embedder?: string): Promise<DialogueReport> {
  const cases = readDialogues(casesFile);
  const kb = await loadKnowledge({ dir: knowledgeDir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'escucha-eval-'));
  let retriever;
  try {
    ({ retriever } = await buildRetrieval(kb, { ...retrievalSettings(config, embedder), dataDir }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const engine = new DialogueEngine({ ...engineSettings(config), search: retriever, store: new MemoryConversationStore() });
  let turns = 0, decisions = 0, articleTurns = 0, articles = 0, contextTurns = 0, context = 0, right = 0;
  const byDecision: DialogueReport['byDecision'] = {};
  const byLang: DialogueReport['byLang'] = {};
  const latencies: number[] = [];
  const failures: DialogueReport['failures'] = [];
  for (const c of cases) {
    for (const [i, turn] of c.turns.entries()) {
      const started = performance.now();
      const result = await engine.handle({ conversationId: c.id, text: turn.user, channel: 'eval', ...(i === 0 && c.lang && { locale: c.lang }) });
      latencies.push(performance.now() - started);
      const decisionRight = result.decision === turn.expect.decision;
      const articleRight = articlesRight(turn, result);
      const bucket = (byDecision[turn.expect.decision] ??= { turns: 0, right: 0 });
      turns++; bucket.turns++;
      if (decisionRight) decisions++;
      if (turn.expect.articles?.length) { articleTurns++; if (decisionRight && articleRight) articles++; }
      const whole = decisionRight && articleRight;
      const lang = (byLang[c.lang ?? config.locales.default] ??= { turns: 0, right: 0 });
      lang.turns++;
      if (whole) { right++; bucket.right++; lang.right++; }
      if (turn.needsContext) { contextTurns++; if (whole) context++; }
      if (!whole) {
        failures.push({
          id: c.id, turn: i + 1, user: turn.user,
          expected: `${turn.expect.decision} ${turn.expect.articles?.join('|') ?? ''}`.trim(),
          got: `${result.decision} ${result.articles.map((a) => a.id).join('|')}`.trim(),
        });
      }
    }
  }
  const share = (n: number, d: number) => round(d ? n / d : 0);
  return {
    conversations: cases.length, turns,
    decisionAccuracy: share(decisions, turns), articleAccuracy: share(articles, articleTurns),
    contextTurnAccuracy: share(context, contextTurns), turnAccuracy: share(right, turns),
    byDecision, byLang, latencyMs: latencySummary(latencies), embedder: retriever.mode, failures,
  };
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

export function formatDialogueReport(r: DialogueReport, showFailures: boolean): string {
  return [
    `${r.conversations} conversations, ${r.turns} turns; search ${r.embedder}`,
    `turns right ${pct(r.turnAccuracy)}  decision ${pct(r.decisionAccuracy)}  article ${pct(r.articleAccuracy)}  turns needing context ${pct(r.contextTurnAccuracy)}`,
    `by expected decision: ${Object.entries(r.byDecision).map(([d, b]) => `${d} ${b.right}/${b.turns}`).join(', ')}`,
    `by language: ${Object.entries(r.byLang).map(([l, b]) => `${l} ${pct(b.turns ? b.right / b.turns : 0)} (${b.right}/${b.turns})`).join(', ')}`,
    `latency per turn p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms`,
    ...(showFailures ? ['', 'wrong turns:', ...r.failures.map((f) => `  ${f.id}#${f.turn} "${f.user}": expected ${f.expected}, got ${f.got}`)] : []),
    '',
  ].join('\n');
}
