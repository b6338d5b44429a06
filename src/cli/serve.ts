import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../server/app.js';
import { Runtime, type RuntimeLog } from '../server/runtime.js';
import { errorLine } from '../util/errors.js';
import { type CliIO, configFor, UsageError, whenStopped } from './io.js';

export const SERVE_HELP = `Usage: escucha serve [--port N] [--host H] [--data DIR] [--knowledge DIR] [--config FILE]

Runs the bot: the web chat at /, the help center at /help, the REST chat API under /api/conversations, Bot
Framework at /api/messages, the agent console at /agent and the dashboard at /dashboard. It answers /healthz at
once and /readyz once the search index is loaded (built first when missing or stale). PORT, HOST,
ESCUCHA_DATA_DIR and ESCUCHA_KNOWLEDGE_DIR override the configuration. Logs are JSON lines on standard output,
without message texts or credentials. Ctrl-C (SIGINT) or SIGTERM stops it gracefully: requests in flight finish and
the store is flushed.
`;

export async function serveCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, knowledge: { type: 'string' },
      config: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.stdout(SERVE_HELP); return 0; }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port must be a port number between 0 and 65535, got "${values.port}"`);
  const config = await configFor(io, values, {
    ...(port !== undefined || values.host ? { server: { ...(port !== undefined && { port }), ...(values.host && { host: values.host }) } } : {}),
  });

  let log: RuntimeLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const runtime = new Runtime(config, {
    info: (m, fields) => log.info(m, fields), warn: (m, fields) => log.warn(m, fields), error: (m, fields) => log.error(m, fields),
  });
  const app = await buildServer(runtime, {
    logger: { level: io.env.LOG_LEVEL ?? 'info', stream: { write: (line: string) => io.stdout(line) } },
  });
  log = {
    info: (m, fields) => app.log.info(fields ?? {}, m), warn: (m, fields) => app.log.warn(fields ?? {}, m),
    error: (m, fields) => app.log.error(fields ?? {}, m),
  };

  try {
    await app.listen({ port: config.server.port, host: config.server.host });
  } catch (error) {
    io.stderr(`escucha serve: cannot listen on ${config.server.host}:${config.server.port}: ${errorLine(error)}\n`);
    return 1;
  }
  const stopped = whenStopped(io.signal);
  // The index is built while the server already answers /healthz (and /readyz with 503).
  const started = runtime.start().then(() => true, (error: unknown) => error);
  const first = await Promise.race([started, stopped.then(() => 'stopped' as const)]);
  if (first !== true && first !== 'stopped') {
    io.stderr(`escucha serve: cannot start: ${errorLine(first)}\n`);
    await shutDown(app, runtime);
    return 1;
  }
  if (first === true) {
    log.info('ready: web chat at / , help center at /help , REST API at /api/conversations , agent console at /agent , dashboard at /dashboard');
    await stopped;
  }
  log.info('stopping: finishing the requests and turns in flight');
  await shutDown(app, runtime);
  log.info('stopped');
  return 0;
}

/** How long requests in flight get to finish (a live stream never does) before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/** New requests get 503, those in flight finish, then the runtime lets its turns finish and flushes the store. */
async function shutDown(app: FastifyInstance, runtime: Runtime): Promise<void> {
  const deadline = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  deadline.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
    await runtime.close();
  }
}
