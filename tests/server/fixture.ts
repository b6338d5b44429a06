import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/index.js';
import { buildServer, LOG_REDACT } from '../../src/server/app.js';
import { Runtime } from '../../src/server/runtime.js';
import { tempTree } from '../helpers.js';

export const article = (fm: Record<string, unknown>, body: string) =>
  `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')}\n---\n${body}\n`;

/** A tiny help center: a translated article with sections, a related one, an escalated topic and a forum thread. */
export const KNOWLEDGE = {
  'knowledge/es/roaming/roaming-ue.md': article({
    id: 'roaming-ue', title: 'Roaming en la Unión Europea', type: 'article', topic: 'roaming-eu', related: ['apn'],
    questions: ['¿puedo usar datos en Francia?', '¿cómo activo el roaming?'],
  }, 'En la UE usas tu tarifa como en casa.\n\n## Cómo activarlo\n\n1. Entra en **Mi Nubo › Roaming**.\n2. Activa el interruptor.\n\n'
    + '## Precios\n\nNo pagas nada más. Si no navegas, revisa [el APN](../network/apn.md#valores).'),
  'knowledge/es/network/apn.md': article({ id: 'apn', title: 'Configurar el APN', type: 'faq', questions: ['no me funcionan los datos'] },
    'El APN se configura solo.\n\n## Valores\n\nEl APN es `internet.nubo`.'),
  'knowledge/es/plans/baja.md': article({ id: 'baja', title: 'Darse de baja', escalate: true, questions: ['quiero darme de baja'] },
    'Un agente gestiona las bajas.'),
  'knowledge/en/roaming/roaming-eu.md': article({
    id: 'eu-roaming', locale: 'en', title: 'Roaming in the European Union', topic: 'roaming-eu',
    questions: ['can I use data in France?', 'how do I turn on roaming?'],
  }, 'In the EU you use your plan as at home.\n\n## Turn it on\n\nOpen **My Nubo › Roaming** and switch it on.'),
  'knowledge/es/community/esim-iphone.md': article({
    id: 'foro-esim-iphone', title: 'La eSIM no funciona en mi iPhone nuevo', type: 'forum', author: '@marta_g',
    questions: ['mi esim no funciona en el movil nuevo'],
  }, 'Cambié de iPhone y la eSIM dice "Sin servicio".\n\n## Respuesta de @nubo_ana · 14 votos · aceptada\n\n'
    + 'Una eSIM no se copia: pide un código QR nuevo en la app.\n\n## Respuesta de @pablo · 2 votos\n\nPrueba el modo avión.'),
};

export interface FixtureOptions {
  files?: Record<string, string>;
  /** The body of `export default { ... }` in bot.config.ts, after the embedder line. */
  config?: string;
  now?: () => Date;
  start?: boolean;
  /** A folder of an earlier fixture: the same knowledge, configuration and data (a restart). */
  root?: string;
}

/**
 * A runtime on the tiny help center (lexical search, a temporary data folder) and the server on it, with the
 * production log settings writing to a string, so tests can check what reaches the log.
 */
export async function serverFixture(options: FixtureOptions = {}) {
  const root = options.root ?? tempTree({
    ...KNOWLEDGE, ...options.files,
    'bot.config.ts': `export default {\n  retrieval: { embedder: { provider: 'none' } },\n${options.config ?? ''}\n};\n`,
  });
  const config = await loadConfig({ root, env: {} });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const runtime = new Runtime(config, quiet, options.now ? { now: options.now } : {});
  if (options.start ?? true) await runtime.start();
  let logged = '';
  const stream = new Writable({ write(chunk, _encoding, done) { logged += String(chunk); done(); } });
  const app: FastifyInstance = await buildServer(runtime, { logger: { level: 'info', redact: { paths: LOG_REDACT, censor: '[redacted]' }, stream } });
  // Closing twice (a test that closes its server, then the file's cleanup) closes once.
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => { await app.close(); await runtime.close(); })());
  return { root, config, app, runtime, close, log: () => logged };
}

export type ServerFixture = Awaited<ReturnType<typeof serverFixture>>;
