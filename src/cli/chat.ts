import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { retrievalSettings } from '../config/index.js';
import { renderReply } from '../dialogue/render.js';
import type { TurnResult } from '../dialogue/types.js';
import { LiveRetrieval } from '../retrieval/index.js';
import { composeBot } from '../server/compose.js';
import { openStore } from '../store/index.js';
import { describeModel, describeReload } from '../retrieval/describe.js';
import { progressReporter } from './index-command.js';
import { errorLine } from '../util/errors.js';
import { configFor, type CliIO } from './io.js';

export const CHAT_HELP = `Usage: escucha chat [--knowledge DIR] [--data DIR] [--embedder lexical|bundled|escucha-bilingual|use-lite|MODEL] [--locale es|en] [--debug]

Talks to the bot in the terminal, through the same engine as every channel, on the live knowledge folder: save an
article and the next question sees it. Each reply shows its decision, article and confidence with --debug.
Commands: /new starts a new conversation, /quit (or Ctrl-D) leaves. When the bot hands you to a person, an agent
can answer from another terminal with \`escucha handoffs\`; their messages show up here.
`;

const COLOURS = { dim: '\x1b[2m', cyan: '\x1b[36m', yellow: '\x1b[33m', green: '\x1b[32m', reset: '\x1b[0m' };

export async function chatCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      knowledge: { type: 'string' }, data: { type: 'string' }, embedder: { type: 'string' }, config: { type: 'string' },
      locale: { type: 'string' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.stdout(CHAT_HELP); return 0; }
  const config = await configFor(io, values);
  const colour = (name: keyof typeof COLOURS, text: string) => (io.isTTY ? `${COLOURS[name]}${text}${COLOURS.reset}` : text);
  const knowledge = { dir: config.knowledge.dir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes };
  const live = new LiveRetrieval({
    knowledge, retrieval: retrievalSettings(config, values.embedder),
    onReload: (reload) => { for (const line of describeReload(reload, knowledge.dir, (f) => f)) io.stderr(`${colour('dim', line)}\n`); },
    onError: (message) => io.stderr(`escucha chat: ${message}\n`),
  });
  const build = await live.start(progressReporter({ ...io, stdout: io.stderr }, 'embedding'));
  for (const line of describeModel(build.model)) io.stderr(`${colour('dim', line)}\n`);
  // The same store as the server's: a chat is kept like any conversation (and is there for the reports).
  const store = openStore({ dataDir: config.data.dir });
  const notes: string[] = [];
  const { engine } = composeBot({
    config, search: live, store,
    onDeskEvent: (event) => {
      if (event.type !== 'handoffCreated') return;
      const h = event.handoff;
      const reasons = h.emotion.reasons.map((r) => r.kind).join(', ');
      notes.push(`${colour('dim', `     [case ${h.id} queued: ${h.reason}, priority ${h.currentPriority} (${h.priorityLabel})${reasons ? `, ${reasons}` : ''}; npx escucha handoffs show ${h.id}]`)}\n`);
    },
  });

  const session = Date.now().toString(36);
  let conversation = 1;
  const id = () => `cli-${session}-${conversation}`;
  let locale = values.locale ?? config.locales.default;
  const show = (result: TurnResult) => {
    const catalogLabels = engine.labels(result.locale);
    for (const reply of result.replies) {
      let text = renderReply(reply, 'plain', catalogLabels);
      if (io.isTTY) text = text.replace(/^(\d+\. .*)$/gm, (line) => colour('yellow', line)).replace(/(https?:\/\/\S+|\/help\/\S+)/g, (url) => colour('cyan', url));
      io.stdout(`${colour('green', 'bot')}  ${text.replace(/\n/g, '\n     ')}\n`);
    }
    if (values.debug) {
      const used = result.articles.map((a) => `${a.id}${a.section ? `#${a.section}` : ''} ${a.confidence.toFixed(2)}`).join(', ');
      io.stdout(`${colour('dim', `     [${result.decision}${used ? `: ${used}` : ''}; ${result.locale}]`)}\n`);
    }
  };
  io.stdout(`${colour('green', 'bot')}  ${renderReply(engine.welcome(locale), 'plain', engine.labels(locale))}\n`);

  // What others add to the conversation (an agent's replies, the bot taking over again) shows up as it is saved.
  let seenUntil = new Date().toISOString();
  const showOthers = async () => {
    const state = await store.conversations.load(id());
    for (const turn of state?.turns.filter((t) => t.at > seenUntil && t.role !== 'customer') ?? []) {
      const who = turn.role === 'agent' ? colour('yellow', turn.agentId ?? 'agent') : colour('green', 'bot');
      io.stdout(`${who}  ${turn.text.replace(/\n/g, '\n     ')}\n`);
    }
    if (state?.turns.length) seenUntil = state.turns.at(-1)!.at;
  };
  const poll = setInterval(() => void showOthers().catch(() => undefined), 1000);
  poll.unref();

  // On a terminal, readline edits the line and keeps the history (arrow keys); piped input is read line by line.
  const lines = createInterface({
    input: io.stdin ?? process.stdin, output: io.isTTY ? process.stdout : undefined, terminal: !!io.isTTY, historySize: 200,
  });
  try {
    if (io.isTTY) io.stdout('> ');
    for await (const raw of lines) {
      const text = raw.trim();
      if (text === '/quit' || text === '/exit') break;
      if (text === '/new') {
        conversation++;
        io.stdout(`${colour('dim', `— new conversation ${conversation} —`)}\n`);
      } else if (text) {
        try {
          await showOthers();
          const result = await engine.handle({ conversationId: id(), text, channel: 'cli', locale });
          locale = result.locale;
          show(result);
          for (const note of notes.splice(0)) io.stdout(note);
          seenUntil = new Date().toISOString();
        } catch (error) {
          // One failed turn (the database locked by another command, say) is said in a line; the chat goes on.
          io.stderr(`escucha chat: that message was not handled: ${errorLine(error)}; try again\n`);
        }
      }
      if (io.isTTY) io.stdout('> ');
    }
    return 0;
  } finally {
    clearInterval(poll);
    lines.close();
    await live.close();
    store.close();
  }
}
