import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectLineConversations } from '../../src/channels/directline/conversations.js';
import { forgetCustomer } from '../../src/privacy/index.js';
import { openStore } from '../../src/store/index.js';
import { tempTree } from '../helpers.js';
import { serverFixture, type ServerFixture } from './fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Granted = { conversationId: string; token: string; expires_in: number; user: { id: string } };
const auth = (token?: string) => (token ? { authorization: `Bearer ${token}` } : {});

/** The page's side of a conversation on a server: its customer's messages, and polling from a watermark. */
function chat(app: FastifyInstance, grant: Granted) {
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

/** What the page does: a token for a new conversation, then start it (which brings the welcome). */
async function startOn(app: FastifyInstance, body: Record<string, unknown> = { locale: 'es-ES' }) {
  const generated = await app.inject({ method: 'POST', url: '/v3/directline/tokens/generate', payload: body });
  expect(generated.statusCode).toBe(200);
  const grant = generated.json() as Granted;
  const started = await app.inject({ method: 'POST', url: '/v3/directline/conversations', headers: auth(grant.token) });
  expect(started.statusCode).toBe(200);
  expect(started.json()).toMatchObject({ conversationId: grant.conversationId, token: grant.token });
  return chat(app, grant);
}

async function setup(config = '') {
  const fixture = await serverFixture({ config });
  cleanups.push(fixture.close);
  const start = (body?: Record<string, unknown>) => startOn(fixture.app, body);
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

describe('Direct Line across a restart (a deploy)', () => {
  it('keeps conversations and tokens: the same token reads from the same watermark, a new message is answered, an expired token stays refused', async () => {
    const MINUTE = 60_000;
    let now = Date.parse('2026-11-02T10:00:00.000Z');
    const clock = () => new Date(now);
    const first = await serverFixture({ now: clock });
    let firstOpen = true;
    let second: ServerFixture | undefined;
    try {
      // A page whose token (one hour) runs out while the server is down, and one that is still open.
      const gone = await startOn(first.app);
      now += 50 * MINUTE;
      const open = await startOn(first.app);
      expect((await open.send('¿puedo usar datos en Francia?')).statusCode).toBe(200);
      const before = await open.poll();
      expect(before.watermark).toBe('4');
      const fromOne = await open.poll('1');
      firstOpen = false;
      await first.close();

      now += 11 * MINUTE;
      second = await serverFixture({ root: first.root, now: clock });
      const after = chat(second.app, open.grant);
      expect(await after.poll()).toEqual(before);
      expect(await after.poll('1')).toEqual(fromOne);
      expect(await after.poll(before.watermark)).toEqual({ status: 200, activities: [], watermark: '4' });
      // Reconnecting does not welcome again.
      expect((await second.app.inject({ url: `/v3/directline/conversations/${open.grant.conversationId}`, headers: auth(open.grant.token) })).statusCode).toBe(200);

      const sent = await after.send('¿cómo activo el roaming?');
      expect(sent.statusCode).toBe(200);
      expect((sent.json() as { id: string }).id).toMatch(/\|0000004$/);
      const answered = await after.poll(before.watermark);
      expect(answered.activities.map((a) => a.from.id)).toEqual([open.grant.user.id, 'escucha', 'escucha']);
      expect(answered.activities[1]!.text).toContain('Mi Nubo › Roaming');
      expect(answered.watermark).toBe('7');
      const engine = await second.runtime.store.conversations.load(`directline:${open.grant.conversationId}`);
      expect(engine?.turns.filter((t) => t.role === 'customer')).toHaveLength(2);

      expect((await chat(second.app, gone.grant).poll()).status).toBe(401);
      expect((await second.app.inject({ method: 'POST', url: '/v3/directline/tokens/refresh', headers: auth(gone.grant.token) })).statusCode).toBe(401);
      // And the one still open expires on time after the restart too.
      now += 50 * MINUTE;
      expect((await after.poll()).status).toBe(401);
    } finally {
      if (firstOpen) await first.close();
      await second?.close();
    }
  });
});

describe('forgetting a web chat\'s customer', () => {
  it('deletes the Direct Line conversation with the engine\'s, and what was said in it: its token opens nothing', async () => {
    const { start, runtime } = await setup();
    const { send, poll, grant } = await start();
    await send('soy ana@example.com, ¿puedo usar datos en Francia?');
    const kept = (sql: string) => runtime.store.db.prepare(sql).all();
    expect(kept('SELECT id, conversation_id FROM directline_conversations')).toEqual([
      { id: grant.conversationId, conversation_id: `directline:${grant.conversationId}` },
    ]);
    expect(forgetCustomer(runtime.store.erasure, grant.user.id)).toMatchObject({ conversations: 1, directline_conversations: 1, directline_activities: 4 });
    expect(kept("SELECT activity FROM directline_activities WHERE activity LIKE '%ana@example.com%'")).toEqual([]);
    expect((await poll()).status).toBe(401);
  });
});

describe('DirectLineConversations', () => {
  it('forgets a conversation when its tokens expire, and keeps watermarks as positions when old activities go', () => {
    let now = 0;
    const kept = openStore({ dataDir: tempTree({}) });
    cleanups.push(async () => kept.close());
    const store = new DirectLineConversations({ store: () => kept.directLine, limits: { tokenSeconds: 60, maxActivities: 3, maxConversations: 1 }, now: () => now });
    const { conversation, token } = store.open({})!;
    expect(store.open({})).toBeUndefined(); // full
    for (let i = 0; i < 5; i++) store.append(conversation, { type: 'message', text: String(i) });
    expect(store.since(conversation, '0')).toMatchObject({ activities: [{ text: '2' }, { text: '3' }, { text: '4' }], watermark: '5' });
    expect(store.since(conversation, '3').activities.map((a) => a.text)).toEqual(['3', '4']);
    expect(store.since(conversation, '5').activities).toEqual([]);
    now = 61_000;
    expect(store.grantOf(token)).toBeUndefined();
    expect(store.open({})).toBeDefined(); // the expired one made room
    expect(store.size).toBe(1);
  });
});
