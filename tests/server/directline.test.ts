import { afterEach, describe, expect, it } from 'vitest';
import { DirectLineConversations } from '../../src/channels/directline/conversations.js';
import { serverFixture } from './fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(config = '') {
  const fixture = await serverFixture({ config });
  cleanups.push(fixture.close);
  const { app } = fixture;
  const auth = (token?: string) => (token ? { authorization: `Bearer ${token}` } : {});

  /** What the page does: a token for a new conversation, then start it (which brings the welcome). */
  async function start(body: Record<string, unknown> = { locale: 'es-ES' }) {
    const generated = await app.inject({ method: 'POST', url: '/v3/directline/tokens/generate', payload: body });
    expect(generated.statusCode).toBe(200);
    const grant = generated.json() as { conversationId: string; token: string; expires_in: number; user: { id: string } };
    const started = await app.inject({ method: 'POST', url: '/v3/directline/conversations', headers: auth(grant.token) });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toMatchObject({ conversationId: grant.conversationId, token: grant.token });
    let clientIds = 0;
    const send = (text: string, fields: Record<string, unknown> = {}) => app.inject({
      method: 'POST', url: `/v3/directline/conversations/${grant.conversationId}/activities`, headers: auth(grant.token),
      payload: { type: 'message', text, from: { id: grant.user.id, role: 'user' }, channelData: { clientActivityID: `client-${++clientIds}` }, ...fields },
    });
    const poll = async (watermark?: string, token = grant.token) => {
      const response = await app.inject({
        url: `/v3/directline/conversations/${grant.conversationId}/activities${watermark === undefined ? '' : `?watermark=${watermark}`}`, headers: auth(token),
      });
      return { status: response.statusCode, ...(response.json() as { activities: Record<string, any>[]; watermark: string }) };
    };
    return { grant, send, poll };
  }
  return { ...fixture, auth, start };
}

describe('Direct Line 3.0 subset at /v3/directline', () => {
  it('welcomes the customer in the language the page gave when the conversation starts, once', async () => {
    const { start, app, auth } = await setup();
    const { poll, grant } = await start({ locale: 'en-GB' });
    const { activities, watermark } = await poll();
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({
      type: 'message', from: { id: 'escucha', role: 'bot' }, recipient: { id: grant.user.id }, locale: 'en-GB',
      text: expect.stringContaining("Hi, I'm Nubo's assistant"), id: expect.stringMatching(/\|0000000$/), timestamp: expect.any(String),
    });
    expect(watermark).toBe('1');
    // Reconnecting (a reloaded page) does not welcome again.
    expect((await app.inject({ url: `/v3/directline/conversations/${grant.conversationId}`, headers: auth(grant.token) })).statusCode).toBe(200);
    expect((await poll()).activities).toHaveLength(1);
  });

  it('echoes the customer\'s message with its clientActivityID, then the engine\'s answer with absolute links and buttons', async () => {
    const { start } = await setup();
    const { send, poll, grant } = await start();
    const { watermark } = await poll();
    const sent = await send('¿puedo usar datos en Francia?', { locale: 'es-ES' });
    expect(sent.statusCode).toBe(200);
    const { id } = sent.json() as { id: string };
    const { activities, watermark: next } = await poll(watermark);
    expect(activities.map((a) => a.from.id)).toEqual([grant.user.id, 'escucha', 'escucha']);
    expect(activities[0]).toMatchObject({ id, type: 'message', text: '¿puedo usar datos en Francia?', channelData: { clientActivityID: 'client-1' } });
    expect(activities[1]).toMatchObject({ textFormat: 'markdown', replyToId: id, locale: 'es' });
    expect(activities[1]!.text).toContain('En la UE usas tu tarifa como en casa.');
    expect(activities[1]!.text).toMatch(/\]\(http:\/\/localhost(:\d+)?\/help\/roaming-ue\)/);
    expect(activities[2]!.suggestedActions.actions.map((a: { value: string }) => a.value)).toEqual(['Sí', 'No']);
    expect(next).toBe('4');
    expect(await poll(next)).toMatchObject({ activities: [], watermark: '4' });
  });

  it('keeps the conversation in the engine as directline:<id>, with the customer\'s id', async () => {
    const { start, runtime } = await setup();
    const { send, grant } = await start();
    await send('hola');
    expect(runtime.store.db.prepare('select id, customer_id, channel from conversations').all())
      .toEqual([{ id: `directline:${grant.conversationId}`, customer_id: grant.user.id, channel: 'directline' }]);
  });

  it('opens a conversation for a Web Chat given no token, bound to the user id of its first activity', async () => {
    const { app, auth } = await setup();
    const opened = await app.inject({ method: 'POST', url: '/v3/directline/conversations', headers: { authorization: 'Bearer undefined' } });
    expect(opened.statusCode).toBe(201);
    const { conversationId, token } = opened.json() as { conversationId: string; token: string };
    const url = `/v3/directline/conversations/${conversationId}/activities`;
    const post = (from: string) => app.inject({ method: 'POST', url, headers: auth(token), payload: { type: 'message', text: 'hola', from: { id: from } } });
    expect((await post('r_webchat1')).statusCode).toBe(200);
    expect((await post('someone-else')).statusCode).toBe(403);
  });

  it('lets only the conversation\'s own token read or write it: 401 without a valid token, 403 with another\'s', async () => {
    const { start, app, auth } = await setup();
    const mine = await start();
    const theirs = await start();
    const url = `/v3/directline/conversations/${mine.grant.conversationId}/activities`;
    for (const headers of [{}, auth('made-up-token'), { authorization: mine.grant.token }]) {
      expect((await app.inject({ url, headers })).statusCode).toBe(401);
    }
    expect((await mine.poll(undefined, theirs.grant.token)).status).toBe(403);
    const write = await app.inject({ method: 'POST', url, headers: auth(theirs.grant.token), payload: { type: 'message', text: 'hola', from: { id: theirs.grant.user.id } } });
    expect(write.statusCode).toBe(403);
    expect((await app.inject({ url: `/v3/directline/conversations/${mine.grant.conversationId}`, headers: auth(theirs.grant.token) })).statusCode).toBe(403);
  });

  it('refreshes a token: the new one works, the old one too until it expires, a made-up one gets 401', async () => {
    const { start, app, auth } = await setup();
    const { poll, grant } = await start();
    const refreshed = await app.inject({ method: 'POST', url: '/v3/directline/tokens/refresh', headers: auth(grant.token) });
    expect(refreshed.statusCode).toBe(200);
    const fresh = refreshed.json() as { conversationId: string; token: string; expires_in: number };
    expect(fresh).toMatchObject({ conversationId: grant.conversationId, expires_in: 3600 });
    expect(fresh.token).not.toBe(grant.token);
    expect((await poll(undefined, fresh.token)).status).toBe(200);
    expect((await poll(undefined, grant.token)).status).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v3/directline/tokens/refresh', headers: auth('nope') })).statusCode).toBe(401);
  });

  it('refuses what is not a customer\'s activity: another sender, other types, long texts, large bodies', async () => {
    const { start } = await setup();
    const { send, poll } = await start();
    expect((await send('hola', { from: { id: 'someone-else' } })).statusCode).toBe(403);
    expect((await send('hola', { type: 'conversationUpdate' })).statusCode).toBe(400);
    expect((await send('hola', { from: {} })).statusCode).toBe(400);
    expect((await send('x'.repeat(4_001))).statusCode).toBe(400);
    expect((await send('hola', { channelData: { padding: 'x'.repeat(20_000) } })).statusCode).toBe(413);
    expect((await poll()).activities).toHaveLength(1); // only the welcome
  });

  it('limits how fast one client posts (server.rateLimitPerMinute) and polls (four times that, per conversation)', async () => {
    const { start } = await setup('  server: { rateLimitPerMinute: 2 },');
    const { send, poll } = await start(); // each route counts on its own
    expect((await send('hola')).statusCode).toBe(200);
    expect((await send('hola')).statusCode).toBe(200);
    const limited = await send('hola');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // Polling has four times as many, per conversation. (One after another: @fastify/rate-limit's memory store
    // refuses every request of a concurrent burst that goes over, not only the excess.)
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await poll()).status);
    expect(statuses).toEqual([...Array<number>(8).fill(200), 429]);
  });

  it('answers a Web Chat on a configured site across origins (CORS), and no other site', async () => {
    const { app } = await setup(`  server: { corsOrigins: ['https://www.nubo.example'] },`);
    const preflight = (origin: string) => app.inject({
      method: 'OPTIONS', url: '/v3/directline/tokens/generate',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    const allowed = await preflight('https://www.nubo.example');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://www.nubo.example');
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('appends an agent\'s reply and the bot\'s return to the customer\'s conversation', async () => {
    const { start, runtime } = await setup();
    const { send, poll, grant } = await start();
    await send('quiero hablar con una persona');
    const [handoff] = runtime.bot.desk.queue();
    expect(handoff).toMatchObject({ conversationId: `directline:${grant.conversationId}`, channel: 'directline' });
    const { watermark } = await poll();
    await runtime.bot.desk.claim(handoff!.id, 'ana');
    await runtime.bot.desk.reply(handoff!.id, 'ana', 'Hola, soy Ana. Ya veo tu caso.');
    await expect.poll(async () => (await poll(watermark)).activities.map((a) => a.text)).toEqual(['Hola, soy Ana. Ya veo tu caso.']);
    await runtime.bot.desk.handBack(handoff!.id, 'ana');
    await expect.poll(async () => (await poll(watermark)).activities.length).toBe(3);
    const survey = (await poll(watermark)).activities[2]!;
    expect(survey.suggestedActions.actions).toHaveLength(5);
  });
});

describe('DirectLineConversations', () => {
  it('forgets a conversation when its tokens expire, and keeps watermarks as positions when old activities go', () => {
    let now = 0;
    const store = new DirectLineConversations({ limits: { tokenSeconds: 60, maxActivities: 3, maxConversations: 1 }, now: () => now });
    const { conversation, token } = store.open({})!;
    expect(store.open({})).toBeUndefined(); // full
    for (let i = 0; i < 5; i++) store.append(conversation, { type: 'message', text: String(i) });
    expect(store.since(conversation, '0')).toEqual({ activities: conversation.activities, watermark: '5' });
    expect(store.since(conversation, '3').activities.map((a) => a.text)).toEqual(['3', '4']);
    expect(store.since(conversation, '5').activities).toEqual([]);
    now = 61_000;
    expect(store.grantOf(token)).toBeUndefined();
    expect(store.open({})).toBeDefined(); // the expired one made room
    expect(store.size).toBe(1);
  });
});
