import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStore } from '../../src/store/index.js';
import { captureIO, tempTree } from '../helpers.js';
import { KNOWLEDGE } from './fixture.js';

const TOKEN = 'lead-token-0123456789abcdefghij';
const EMAIL = 'marta.garcia@example.com';

/** `escucha serve` in this process, stopped through io.signal; resolves the address it listens on. */
function serve(args: string[], options: { env?: NodeJS.ProcessEnv; files?: Record<string, string> } = {}) {
  const root = tempTree({
    ...KNOWLEDGE,
    'bot.config.ts': `export default { retrieval: { embedder: { provider: 'none' } }, agents: [{ id: 'lucia', token: '${TOKEN}', role: 'lead' }] };\n`,
    ...options.files,
  });
  const io = captureIO(root, options.env ?? {});
  const controller = new AbortController();
  io.signal = controller.signal;
  const exit = main(['serve', '--host', '127.0.0.1', ...args], io);
  const address = (async () => {
    for (let i = 0; i < 400; i++) {
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out());
      if (listening) return listening[1]!;
      if (io.err()) throw new Error(io.err());
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`the server did not start:\n${io.out()}${io.err()}`);
  })();
  const ready = async (base: string) => {
    for (let i = 0; i < 400; i++) {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('never ready');
  };
  return { root, io, exit, address, ready, stop: () => controller.abort() };
}

const logLines = (out: string) => out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('escucha serve', () => {
  it('builds the index, serves the chat and the help center, logs no texts, and stops gracefully with the store flushed', async () => {
    const server = serve(['--port', '0', '--data', 'var/data']);
    const base = await server.address;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await server.ready(base);

    const opened = await (await fetch(`${base}/api/conversations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: 'es', customerId: EMAIL }),
    })).json() as { id: string };
    const say = (text: string) => fetch(`${base}/api/conversations/${opened.id}/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }),
    });
    const answer = await say('¿cómo activo el roaming?');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ decision: 'answer', replies: [{ citation: { url: '/help/roaming-ue#como-activarlo' } }, {}] });
    expect((await say(`vale, escribidme a ${EMAIL}`)).status).toBe(200);
    const page = await fetch(`${base}/help/search?q=${encodeURIComponent(`activar roaming ${EMAIL}`)}`);
    expect(await page.text()).toContain('href="/help/roaming-ue#como-activarlo"');
    const report = await fetch(`${base}/api/reports?access_token=${TOKEN}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(report.status).toBe(200);

    server.stop();
    expect(await server.exit).toBe(0);

    // Structured lines, with the requests, the turn (its decision, not its words) and the shutdown.
    const out = server.io.out();
    const lines = logLines(out);
    expect(lines.find((l) => l.msg === 'turn')).toMatchObject({ conversationId: opened.id, channel: 'rest', decision: 'answer', articles: ['roaming-ue'] });
    expect(lines.some((l) => (l.req as { url?: string } | undefined)?.url === '/help/search')).toBe(true);
    expect(lines.some((l) => String(l.msg).startsWith('ready: '))).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
    expect(out).not.toContain('roaming?');
    expect(out).not.toContain('activar');
    expect(out).not.toContain(EMAIL);
    expect(out).not.toContain(TOKEN);

    // The write-ahead log went back into the database: the conversation is in escucha.db itself.
    const dataDir = path.join(server.root, 'var/data');
    const wal = path.join(dataDir, 'escucha.db-wal');
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
    const store = openStore({ dataDir });
    try {
      const saved = await store.conversations.load(opened.id);
      expect(saved?.turns.map((t) => t.role)).toEqual(['customer', 'bot', 'customer', 'bot']);
      expect(saved?.customerId).toBe(EMAIL);
    } finally {
      store.close();
    }
  });

  it('takes the port and the data folder from PORT and ESCUCHA_DATA_DIR, and the knowledge folder from --knowledge', async () => {
    const server = serve(['--knowledge', 'help'], {
      env: { PORT: '0', ESCUCHA_DATA_DIR: 'state' },
      files: { 'help/en/only.md': '---\nid: only\ntitle: The only article\nlocale: en\n---\nNothing else here.\n' },
    });
    const base = await server.address;
    await server.ready(base);
    const index = await (await fetch(`${base}/help?lang=en`)).text();
    expect(index).toContain('The only article');
    expect(index).not.toContain('Roaming');
    server.stop();
    expect(await server.exit).toBe(0);
    expect(existsSync(path.join(server.root, 'state', 'escucha.db'))).toBe(true);
  });

  it('stops cleanly right after it starts listening, even before the index is loaded', async () => {
    const server = serve(['--port', '0']);
    const base = await server.address;
    expect([200, 503]).toContain((await fetch(`${base}/readyz`)).status);
    server.stop();
    expect(await server.exit).toBe(0);
    expect(server.io.err()).toBe('');
  });

  it('says why it cannot start: a bad port, a busy port', async () => {
    const bad = tempTree({ 'bot.config.ts': 'export default {};\n' });
    const io = captureIO(bad);
    expect(await main(['serve', '--port', 'eighty'], io)).toBe(2);
    expect(io.err()).toContain('--port must be a port number between 0 and 65535, got "eighty"');

    const first = serve(['--port', '0']);
    const base = await first.address;
    const port = new URL(base).port;
    const second = tempTree({ ...KNOWLEDGE, 'bot.config.ts': "export default { retrieval: { embedder: { provider: 'none' } } };\n" });
    const busy = captureIO(second);
    expect(await main(['serve', '--host', '127.0.0.1', '--port', port], busy)).toBe(1);
    expect(busy.err()).toContain(`escucha serve: cannot listen on 127.0.0.1:${port}`);
    first.stop();
    expect(await first.exit).toBe(0);
  });
});
