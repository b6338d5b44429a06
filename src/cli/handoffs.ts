import { parseArgs } from 'node:util';
import type { TurnRecord } from '../dialogue/state.js';
import { DeskError, type HandoffDesk, type QueueItem } from '../handoff/index.js';
import { loadKnowledge } from '../knowledge/index.js';
import { Retriever } from '../retrieval/index.js';
import { composeBot } from '../server/compose.js';
import { openStore } from '../store/index.js';
import { type CliIO, configFor, UsageError } from './io.js';

export const HANDOFFS_HELP = `Usage:
  escucha handoffs [list]                       the open cases, most urgent first
  escucha handoffs show ID                      a case: summary, feelings, transcript, messages, earlier cases
  escucha handoffs claim ID --agent NAME        take a case (one agent per case)
  escucha handoffs reply ID --agent NAME TEXT   write to the customer (their chat shows it)
  escucha handoffs note ID --agent NAME TEXT    an internal note, never sent to the customer
  escucha handoffs resolve ID --agent NAME      solved: close the case, the bot takes over again
  escucha handoffs return ID --agent NAME       hand the customer back to the bot
Options: --data DIR, --config FILE. ID may be the first characters of a case's id.

The agent's side of the handoff queue in the terminal, on the same data folder as the bot (until the web agent
console exists). A customer in \`escucha chat\` sees the agent's replies as they are written.
`;

const ACTIONS = ['list', 'show', 'claim', 'reply', 'note', 'resolve', 'return'] as const;

export async function handoffsCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args, strict: true, allowPositionals: true,
    options: { agent: { type: 'string' }, data: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) { io.stdout(HANDOFFS_HELP); return 0; }
  const [action = 'list', id, ...words] = positionals;
  if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action "${action}" (expected ${ACTIONS.join(', ')})`);
  if (action !== 'list' && !id) throw new UsageError(`${action} needs the case id (escucha handoffs lists them)`);
  const needsAgent = !['list', 'show'].includes(action);
  if (needsAgent && !values.agent) throw new UsageError(`${action} needs --agent NAME`);
  const text = words.join(' ').trim();
  if ((action === 'reply' || action === 'note') && !text) throw new UsageError(`${action} needs the text to write`);

  const config = await configFor(io, values);
  const store = openStore({ dataDir: config.data.dir });
  try {
    // Agents' actions go through the engine (to pause and resume the bot); it needs the knowledge, not the models.
    const kb = await loadKnowledge({ dir: config.knowledge.dir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes });
    const { desk } = composeBot({ config, search: new Retriever(kb), store });
    if (action === 'list') {
      io.stdout(formatQueue(desk.queue()));
      return 0;
    }
    const caseId = resolveId(desk, store.handoffs, id!);
    const agent = values.agent!;
    try {
      if (action === 'show') io.stdout(formatCase(desk, caseId));
      if (action === 'claim') { await desk.claim(caseId, agent); io.stdout(`${short(caseId)} is yours, ${agent}; the bot stays quiet while you have it\n`); }
      if (action === 'reply') { await desk.reply(caseId, agent, text); io.stdout(`sent to the customer of ${short(caseId)}\n`); }
      if (action === 'note') { desk.note(caseId, agent, text); io.stdout(`note added to ${short(caseId)}\n`); }
      if (action === 'resolve') { await desk.resolve(caseId, agent); io.stdout(`${short(caseId)} resolved; the bot has the conversation again\n`); }
      if (action === 'return') { await desk.handBack(caseId, agent); io.stdout(`${short(caseId)} handed back to the bot\n`); }
    } catch (error) {
      if (error instanceof DeskError) throw new UsageError(error.message);
      throw error;
    }
    return 0;
  } finally {
    store.close();
  }
}

const short = (id: string) => id.slice(0, 8);

function resolveId(desk: HandoffDesk, repository: { get(id: string): unknown }, given: string): string {
  if (repository.get(given)) return given;
  const matches = desk.queue().filter((h) => h.id.startsWith(given));
  if (matches.length === 1) return matches[0]!.id;
  throw new UsageError(matches.length ? `"${given}" matches ${matches.length} open cases; give more of the id` : `no case "${given}" (escucha handoffs lists the open ones; a closed one needs its full id)`);
}

function formatQueue(queue: QueueItem[]): string {
  if (!queue.length) return 'no open cases\n';
  const rows = queue.map((h) => [
    short(h.id), `${h.currentPriority} ${h.priorityLabel}`, h.status === 'assigned' ? `with ${h.agentId}` : 'waiting', h.reason, h.locale,
    `${h.waitingMinutes} min`, `${Math.round(h.emotion.level * 100)}%`, oneLine(h.summary.asked[0] ?? ''),
  ]);
  return table(['case', 'priority', 'status', 'reason', 'lang', 'waited', 'upset', 'first question'], rows);
}

function formatCase(desk: HandoffDesk, id: string): string {
  const { handoff: h, messages, earlier } = desk.get(id);
  const lines = [
    `case ${h.id}  ${h.status}${h.agentId ? ` (${h.agentId})` : ''}  priority ${h.currentPriority} ${h.priorityLabel}  ${h.reason}  ${h.locale}  ${h.channel}`,
    `customer ${h.customerId ?? '(anonymous)'}, conversation ${h.conversationId}, waiting ${h.waitingMinutes} min since ${h.createdAt}`,
    `why: ${h.summary.why}`,
    `asked: ${h.summary.asked.map((q) => `“${oneLine(q)}”`).join('; ') || '—'}`,
    `bot answered with: ${h.summary.answered.join('; ') || '—'}`,
    `feeling: ${Math.round(h.emotion.level * 100)}%${h.emotion.rising ? ', rising' : ''}${h.emotion.reasons.length ? ` (${h.emotion.reasons.map((r) => `${r.kind} “${r.match}”`).join(', ')})` : ''}`,
    '', 'transcript:',
    ...h.transcript.map((t) => `  ${speaker(t)}: ${oneLine(t.text)}`),
  ];
  if (messages.length) lines.push('', 'since the handoff:', ...messages.map((m) => `  ${m.at.slice(11, 16)} ${m.author}${m.agentId ? ` ${m.agentId}` : ''}: ${oneLine(m.text)}`));
  if (earlier.length) lines.push('', 'earlier cases of this customer:', ...earlier.map((e) => `  ${short(e.id)} ${e.createdAt.slice(0, 10)} ${e.reason} ${e.status}`));
  return `${lines.join('\n')}\n`;
}

const speaker = (t: TurnRecord) => (t.role === 'agent' ? `agent ${t.agentId ?? ''}`.trim() : t.role);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
