import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/server/runtime.js';
import { PROJECT_ROOT } from '../helpers.js';
import { bearer, consoleServers, TOKENS } from './console-fixture.js';

const server = consoleServers();

/** A case for customer cust-1 in conversation c1, and its id. */
async function oneCase(s: Awaited<ReturnType<typeof server>>, text = 'quiero hablar con una persona') {
  await s.say(text);
  const { handoffs } = (await s.app.inject({ url: '/api/agent/handoffs', headers: bearer('ana') })).json();
  return handoffs[0].id as string;
}

const ROUTES: [string, string][] = [
  ['GET', '/api/agent/me'],
  ['GET', '/api/agent/handoffs'],
  ['GET', '/api/agent/handoffs/abc'],
  ['POST', '/api/agent/handoffs/abc/claim'],
  ['POST', '/api/agent/handoffs/abc/reply'],
  ['POST', '/api/agent/handoffs/abc/note'],
  ['POST', '/api/agent/handoffs/abc/resolve'],
  ['POST', '/api/agent/handoffs/abc/return'],
  ['GET', '/api/agent/events'],
];

describe('agent console', () => {
  it('serves the page without credentials, under a policy that runs no inline script', async () => {
    const { app } = await server();
    const page = await app.inject({ url: '/agent' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.body).toContain('<script type="module" src="/agent/console.js">');
    for (const asset of ['console.js', 'session.js', 'console.css']) {
      const response = await app.inject({ url: `/agent/${asset}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await app.inject({ url: '/agent/console.js' })).headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('puts texts in the page as text only: no client code builds HTML from strings', () => {
    for (const file of ['console.js', 'session.js']) {
      const code = readFileSync(path.join(PROJECT_ROOT, 'src/server/console/public', file), 'utf8');
      expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\.html\(/);
    }
  });

  it('answers 401 on every data route without a valid token, and takes ?access_token= for the event stream only', async () => {
    const { app } = await server();
    for (const [method, url] of ROUTES) {
      for (const headers of [{}, { authorization: 'Bearer not-a-token-of-anyone-at-all' }, { authorization: TOKENS.ana }]) {
        const response = await app.inject({ method: method as 'GET', url, headers, ...(method === 'POST' && { payload: { text: 42, more: '' } }) });
        expect(response.statusCode, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.json().error).toMatch(/valid agent token/);
      }
    }
    expect((await app.inject({ url: '/api/agent/events?access_token=wrong' })).statusCode).toBe(401);
    const me = await app.inject({ url: '/api/agent/me', headers: bearer('ana') });
    expect(me.json()).toEqual({ agent: { id: 'ana', name: 'Ana', role: 'agent' } });
    // A token in a URL can end up in a proxy's log: only EventSource, which cannot send headers, may use one.
    expect((await app.inject({ url: `/api/agent/me?access_token=${TOKENS.lead}` })).statusCode).toBe(401);
  });

  it('lists the queue by priority with emotion, reasons, language and waiting time', async () => {
    const s = await server();
    await s.say('quiero hablar con una persona', 'calm', 'a');
    await s.say('ESTO ES UNA VERGÜENZA, llevo una hora sin datos y nadie me ayuda!!!', 'angry', 'b');
    await s.say('can I talk to a real person please?', 'english', 'c');
    const response = await s.app.inject({ url: '/api/agent/handoffs', headers: bearer('ana') });
    expect(response.statusCode).toBe(200);
    const { handoffs } = response.json();
    expect(handoffs.map((h: { conversationId: string }) => h.conversationId)).toEqual(['angry', 'calm', 'english']);
    const [angry, calm, english] = handoffs;
    expect(angry).toMatchObject({ status: 'waiting', reason: 'frustration', locale: 'es', channel: 'rest', customerId: 'b', waitingMinutes: 0 });
    expect(angry.emotion.percent).toBeGreaterThanOrEqual(70);
    expect(angry.emotion.reasons.map((r: { kind: string }) => r.kind)).toEqual(expect.arrayContaining(['shouting', 'waiting']));
    expect(angry.priority).toBeGreaterThan(calm.priority);
    expect(['high', 'urgent']).toContain(angry.priorityLabel);
    expect(calm).toMatchObject({ reason: 'asked', firstQuestion: 'quiero hablar con una persona' });
    expect(english.locale).toBe('en');
    expect(angry).not.toHaveProperty('transcript');
  });

  it('shows a case with its transcript, summary, messages since, and the customer\'s earlier conversations and outcomes', async () => {
    const s = await server();
    await s.say('¿cómo activo el roaming?', 'old', 'cust-1');
    await s.say('sí', 'old', 'cust-1');
    await s.runtime.bot.engine.end('old');
    await s.say('¿puedo usar datos en Francia?');
    const id = await oneCase(s);
    await s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${id}/claim`, headers: bearer('ana') });
    await s.say('¿sigues ahí?');

    const response = await s.app.inject({ url: `/api/agent/handoffs/${id}`, headers: bearer('luis') });
    expect(response.statusCode).toBe(200);
    const detail = response.json();
    expect(detail.handoff).toMatchObject({
      id, status: 'assigned', agentId: 'ana', conversationId: 'c1',
      summary: { asked: ['¿puedo usar datos en Francia?', 'quiero hablar con una persona'], answered: ['Roaming en la Unión Europea'] },
    });
    expect(detail.handoff.transcript.map((t: { role: string }) => t.role)).toEqual(['customer', 'bot', 'customer', 'bot']);
    expect(detail.messages.map((m: { author: string; text: string }) => [m.author, m.text])).toEqual([
      ['system', 'claimed by ana'], ['customer', '¿sigues ahí?'],
    ]);
    expect(detail.earlierConversations).toEqual([expect.objectContaining({
      conversationId: 'old', outcome: 'resolved_by_bot', firstQuestion: '¿cómo activo el roaming?', channel: 'rest', handedOff: false,
    })]);
    expect(detail.earlierCases).toEqual([]);

    expect((await s.app.inject({ url: '/api/agent/handoffs/no-such-case', headers: bearer('ana') })).json())
      .toEqual({ error: 'no case no-such-case', code: 'not-found' });
    expect((await s.app.inject({ url: '/api/agent/handoffs/no-such-case', headers: bearer('ana') })).statusCode).toBe(404);
    expect((await s.app.inject({ url: '/api/agent/handoffs/bad%20id!', headers: bearer('ana') })).statusCode).toBe(400);
  });

  it('lets exactly one of two agents claim a case, even when both click at once', async () => {
    const s = await server();
    const id = await oneCase(s);
    const [first, second] = await Promise.all(['ana', 'luis'].map((who) =>
      s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${id}/claim`, headers: bearer(who as 'ana' | 'luis') })));
    const codes = [first!.statusCode, second!.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const winner = first!.statusCode === 200 ? 'ana' : 'luis';
    const loser = [first!, second!].find((r) => r.statusCode === 409)!;
    expect(loser.json()).toEqual({ error: `case ${id} is already taken by ${winner}`, code: 'conflict' });
    const ok = [first!, second!].find((r) => r.statusCode === 200)!;
    expect(ok.json().handoff).toMatchObject({ id, status: 'assigned', agentId: winner });
  });

  it('relays the agent\'s reply to the customer, keeps notes internal, and hands back with the survey', async () => {
    const s = await server();
    const deliveries: Delivery[] = [];
    s.runtime.events.on('delivery', (d: Delivery) => deliveries.push(d));
    const id = await oneCase(s);
    const post = (who: 'ana' | 'luis', action: string, payload?: object) =>
      s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${id}/${action}`, headers: bearer(who), ...(payload && { payload }) });

    expect((await post('ana', 'reply', { text: 'hola' })).json()).toEqual({ error: `case ${id} is waiting; claim it first`, code: 'conflict' });
    expect((await post('ana', 'claim')).statusCode).toBe(200);
    expect((await post('ana', 'claim')).statusCode).toBe(409);
    const other = await post('luis', 'reply', { text: 'yo también' });
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toBe(`case ${id} belongs to ana`);

    for (const bad of [{}, { text: '' }, { text: 42 }, { text: { html: '<b>' } }, { text: 'x'.repeat(4001) }]) {
      expect((await post('ana', 'reply', bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }
    const blank = await post('ana', 'reply', { text: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toMatch(/empty/);

    expect((await post('ana', 'reply', { text: 'Hola, soy Ana. Ya veo tu caso.' })).statusCode).toBe(201);
    expect((await post('luis', 'note', { text: 'cliente de empresa' })).statusCode).toBe(201);
    expect(deliveries).toEqual([expect.objectContaining({ conversationId: 'c1', channel: 'rest', from: 'agent', agentId: 'ana', replies: [{ text: 'Hola, soy Ana. Ya veo tu caso.' }] })]);

    expect((await post('luis', 'return')).statusCode).toBe(403);
    const back = await post('ana', 'return');
    expect(back.statusCode).toBe(200);
    expect(back.json().handoff).toMatchObject({ status: 'returned', agentId: 'ana' });
    const resumed = deliveries.at(-1)!;
    expect(resumed.from).toBe('bot');
    expect(resumed.replies.map((r) => r.text).join('\n')).toMatch(/del 1 \(muy mal\) al 5 \(muy bien\)/);
    expect((await post('ana', 'resolve')).json()).toEqual({ error: `case ${id} is returned`, code: 'conflict' });

    const { messages } = (await s.app.inject({ url: `/api/agent/handoffs/${id}`, headers: bearer('ana') })).json();
    expect(messages.map((m: { author: string; text: string }) => `${m.author}: ${m.text}`)).toEqual([
      'system: claimed by ana', 'agent: Hola, soy Ana. Ya veo tu caso.', 'note: cliente de empresa', 'system: returned by ana',
    ]);
    expect((await s.app.inject({ url: '/api/agent/handoffs', headers: bearer('ana') })).json()).toEqual({ handoffs: [] });
  });

  it('resolves a case and says which case is gone', async () => {
    const s = await server();
    const id = await oneCase(s);
    await s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${id}/claim`, headers: bearer('luis') });
    const resolved = await s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${id}/resolve`, headers: bearer('luis') });
    expect(resolved.json().handoff).toMatchObject({ status: 'resolved', agentId: 'luis' });
    const missing = await s.app.inject({ method: 'POST', url: '/api/agent/handoffs/nope/resolve', headers: bearer('luis') });
    expect(missing.statusCode).toBe(404);
  });

  it('returns customer texts as they were written, as JSON data (the page shows them as text)', async () => {
    const s = await server();
    const hostile = '<img src=x onerror="alert(1)"> quiero hablar con una persona';
    const id = await oneCase(s, hostile);
    const response = await s.app.inject({ url: `/api/agent/handoffs/${id}`, headers: bearer('ana') });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json().handoff.transcript[0].text).toBe(hostile);
  });

  it('keeps tokens and message texts out of the log', async () => {
    const s = await server();
    const id = await oneCase(s);
    await s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${id}/claim`, headers: bearer('ana') });
    await s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${id}/reply`, headers: bearer('ana'), payload: { text: 'secreto del cliente 1234' } });
    await s.app.inject({ url: '/api/agent/events?access_token=a-wrong-token-that-is-long' });
    const log = s.log();
    expect(log).toContain('/api/agent/handoffs');
    for (const secret of [...Object.values(TOKENS), 'a-wrong-token-that-is-long', 'secreto del cliente']) expect(log).not.toContain(secret);
  });

  it('streams desk events to the console as server-sent events', async () => {
    const s = await server();
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = s.app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/api/agent/events`)).status).toBe(401);

    const controller = new AbortController();
    const response = await fetch(`${base}/api/agent/events?access_token=${TOKENS.ana}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${received}`);
        received += value;
      }
    };
    await until(/: connected/);
    await s.say('<b>quiero</b> hablar con una persona');
    await until(/event: handoffCreated\ndata: .*\n\n/);
    const data = JSON.parse(/event: handoffCreated\ndata: (.*)\n/.exec(received)![1]!);
    expect(data.handoff).toMatchObject({ conversationId: 'c1', status: 'waiting', reason: 'asked', firstQuestion: '<b>quiero</b> hablar con una persona' });

    await s.app.inject({ method: 'POST', url: `/api/agent/handoffs/${data.handoff.id}/claim`, headers: bearer('ana') });
    await until(/event: handoffUpdated\ndata: .*"status":"assigned"/);
    await s.say('gracias, espero');
    await until(/event: customerMessage\ndata: .*"text":"gracias, espero"/);
    // The stream's URL carries the token: its request lines stay out of the log.
    expect(s.log()).not.toContain(TOKENS.ana);

    // Closing the server ends the streams still open (they would otherwise keep it from closing).
    await s.close();
    while (!(await reader.read()).done) { /* what was still on its way */ }
    controller.abort();
  });
});
