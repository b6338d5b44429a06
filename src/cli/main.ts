import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/index.js';
import { KnowledgeDirError } from '../knowledge/index.js';
import { StoreError } from '../store/index.js';
import { processIO, UsageError, type CliIO } from './io.js';
import { lintCommand } from './lint.js';
import { evalCommand } from './eval.js';
import { indexCommand } from './index-command.js';
import { benchCommand } from './bench.js';
import { chatCommand } from './chat.js';
import { handoffsCommand } from './handoffs.js';
import { serveCommand } from './serve.js';
import { reportCommand } from './report.js';
import { forgetCommand } from './forget.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Command = { summary: string; run: (args: string[], io: CliIO) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  lint: { summary: 'check the knowledge folder and print path:line: problems', run: lintCommand },
  index: { summary: 'build or refresh the search index (escucha index --help)', run: indexCommand },
  eval: { summary: 'measure answer quality on case files (escucha eval --help)', run: evalCommand },
  chat: { summary: 'talk to the bot in the terminal, on the live knowledge folder (escucha chat --help)', run: chatCommand },
  handoffs: { summary: 'the handoff queue for agents: list, show, claim, reply, resolve (escucha handoffs --help)', run: handoffsCommand },
  bench: { summary: 'measure search speed and memory on 1k and 10k chunks (escucha bench --help)', run: benchCommand },
  report: { summary: 'outcomes, CSAT, CES, article helpfulness and content gaps for a period (escucha report --help)', run: reportCommand },
  forget: { summary: 'delete everything about a customer, or what is past retention (escucha forget --help)', run: forgetCommand },
  serve: { summary: 'run the bot server: web chat, REST and Bot Framework channels, agent console (escucha serve --help)', run: serveCommand },
};

export const HELP = `escucha ${VERSION}: self-hosted support chatbot and knowledge base

Usage: escucha <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help (also: escucha <command> --help)
  -v, --version  print the version

Configuration is read from bot.config.ts in the current folder. Environment variables override it:
  PORT, HOST, ESCUCHA_DATA_DIR, ESCUCHA_KNOWLEDGE_DIR, ESCUCHA_AGENT_TOKEN,
  MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId
`;

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') { io.stdout(HELP); return 0; }
  if (name === '-v' || name === '--version') { io.stdout(`${VERSION}\n`); return 0; }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`escucha: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    return reportError(name, error, io);
  }
}

function reportError(command: string, error: unknown, io: CliIO): number {
  if (error instanceof ConfigError) { io.stderr(`${error.message}\n`); return 2; }
  if (error instanceof StoreError) { io.stderr(`escucha ${command}: ${error.message}\n`); return 1; }
  if (error instanceof UsageError || error instanceof KnowledgeDirError) { io.stderr(`escucha ${command}: ${error.message}\n`); return 2; }
  const code = (error as { code?: string }).code;
  if (code?.startsWith('ERR_PARSE_ARGS')) { io.stderr(`escucha ${command}: ${(error as Error).message}\n  (escucha ${command} --help lists the options)\n`); return 2; }
  // Unexpected: one line for the user, the stack only when asked for.
  io.stderr(`escucha ${command}: ${(error as Error).message ?? String(error)}\n`);
  if (io.env.ESCUCHA_DEBUG) io.stderr(`${(error as Error).stack ?? ''}\n`);
  else io.stderr('  (set ESCUCHA_DEBUG=1 to see the details)\n');
  return 1;
}
