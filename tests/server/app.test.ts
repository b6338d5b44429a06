import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverFixture, type ServerFixture } from './fixture.js';

const TOKEN = 'lead-token-0123456789abcdefghij';
const EMAIL = 'marta.garcia@example.com';

let fixture: ServerFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('server', () => {
  it('answers the health checks at once and everything else with 503 until the index is loaded', async () => {
    fixture = await serverFixture({ start: false });
    const { app, runtime } = fixture;
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const notReady = await app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'starting' });
    for (const url of ['/help', '/api/conversations/x/messages']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().error).toMatch(/^starting: the search index is being built/);
    }
    await runtime.start();
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    expect((await app.inject({ url: '/help' })).statusCode).toBe(200);
  });

  it('answers unknown routes with 404 and failures with 500, without a stack and with the error redacted in the log', async () => {
    fixture = await serverFixture();
    const { app } = fixture;
    app.get('/boom', async () => { throw new Error(`cannot reach ${EMAIL}`); });
    const missing = await app.inject({ url: '/nowhere?q=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'no route GET /nowhere' });
    const boom = await app.inject({ url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ error: 'internal error; the server log has the details' });
    expect(boom.body).not.toContain('app.test.ts');
    const logged = fixture.log().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(logged.find((l) => l.msg === 'request failed').err).toMatchObject({ type: 'Error', message: 'cannot reach [email]' });
    expect(fixture.log()).not.toContain(EMAIL);
  });

  it('allows the configured origins, and only them, to call the chat API from a browser', async () => {
    fixture = await serverFixture({ config: "  server: { corsOrigins: ['https://www.nubo.example'] }," });
    const { app } = fixture;
    const preflight = (origin: string) => app.inject({
      method: 'OPTIONS', url: '/api/conversations',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    const allowed = await preflight('https://www.nubo.example');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://www.nubo.example');
    const refused = await preflight('https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await app.inject({ method: 'POST', url: '/api/conversations', headers: { origin: 'https://evil.example' }, payload: {} });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const mine = await app.inject({ method: 'POST', url: '/api/conversations', headers: { origin: 'https://www.nubo.example' }, payload: {} });
    expect(mine.headers['access-control-allow-origin']).toBe('https://www.nubo.example');
  });

  it('sends no cross-origin headers when no origin is configured', async () => {
    fixture = await serverFixture();
    const response = await fixture.app.inject({ method: 'POST', url: '/api/conversations', headers: { origin: 'https://www.nubo.example' }, payload: {} });
    expect(response.statusCode).toBe(201);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses bodies over the configured size with 413', async () => {
    fixture = await serverFixture({ config: '  server: { bodyLimitBytes: 1024 },' });
    const response = await fixture.app.inject({ method: 'POST', url: '/api/conversations', payload: { customerId: 'x'.repeat(2000) } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'Request body is too large' });
  });

  it('logs requests and errors without message texts, personal data, query strings or credentials', async () => {
    fixture = await serverFixture({ config: `  agents: [{ id: 'lucia', token: '${TOKEN}', role: 'lead' }],` });
    const { app } = fixture;
    const opened = (await app.inject({ method: 'POST', url: '/api/conversations', payload: { customerId: EMAIL } })).json();
    await app.inject({ method: 'POST', url: `/api/conversations/${opened.id}/messages`, payload: { text: `no tengo datos en Francia, escribid a ${EMAIL}` } });
    await app.inject({ url: `/help/search?q=${encodeURIComponent('datos en Francia')}` });
    await app.inject({ url: `/api/reports?access_token=${TOKEN}` });
    await app.inject({ url: '/api/reports', headers: { authorization: `Bearer ${TOKEN}`, cookie: 'session=abc' } });
    await app.inject({ method: 'POST', url: `/api/conversations/${opened.id}/messages`, payload: { text: 'x'.repeat(3000) } });

    const log = fixture.log();
    const lines = log.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.msg === 'incoming request').map((l) => l.req.url)).toEqual([
      '/api/conversations', `/api/conversations/${opened.id}/messages`, '/help/search', '/api/reports', '/api/reports',
      `/api/conversations/${opened.id}/messages`,
    ]);
    for (const secret of ['Francia', 'escribid', EMAIL, TOKEN, 'session=abc', 'xxxxxxxx']) expect(log).not.toContain(secret);
  });
});

describe('runtime', () => {
  it('lets a turn in flight finish before closing the store, and can be closed while it starts', async () => {
    fixture = await serverFixture();
    const { runtime, root } = fixture;
    const turn = runtime.bot.engine.handle({ conversationId: 'c1', text: '¿cómo activo el roaming?', channel: 'rest' });
    await fixture.close();
    expect((await turn).decision).toBe('answer');
    fixture = await serverFixture({ root });
    expect((await fixture.runtime.store.conversations.load('c1'))?.turns).toHaveLength(2);

    const starting = await serverFixture({ start: false });
    const started = starting.runtime.start();
    await starting.close();
    await started;
    expect(starting.runtime.ready).toBe(false);
    expect(() => starting.runtime.store).toThrow('the server is still starting');
    expect(existsSync(path.join(starting.root, 'data', 'escucha.db'))).toBe(false);
  });
});
