import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BotFrameworkChannel } from '../../src/channels/botframework/channel.js';
import { SqliteReferenceStore } from '../../src/store/references.js';
import { serverFixture } from './fixture.js';

interface Received { path: string; authorization: string | undefined; activity: Record<string, any> }

/** A channel on 127.0.0.1 that records what the bot sends it, as the Bot Framework Emulator would receive it. */
async function fakeChannel() {
  const received: Received[] = [];
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    received.push({ path: request.url ?? '', authorization: request.headers.authorization, activity: JSON.parse(body || '{}') });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sent-${received.length}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, serviceUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(config = '') {
  const fixture = await serverFixture({ config });
  const channel = await fakeChannel();
  cleanups.push(fixture.close, channel.close);
  let next = 0;
  const activity = (fields: Record<string, unknown>) => ({
    type: 'message', id: `in-${++next}`, channelId: 'emulator', serviceUrl: channel.serviceUrl,
    from: { id: 'user-1', name: 'Marta' }, recipient: { id: 'escucha-bot', name: 'Escucha' },
    conversation: { id: 'conv-1' }, ...fields,
  });
  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    fixture.app.inject({ method: 'POST', url: '/api/messages', payload: payload as object, headers });
  return { ...fixture, channel, activity, post };
}

describe('Bot Framework at /api/messages (anonymous, as the Emulator uses it)', () => {
  it('answers a message through the engine: Markdown with an absolute citation, "did this help?" as suggested actions', async () => {
    const { post, activity, channel } = await setup();
    const response = await post(activity({ text: '¿puedo usar datos en Francia?', locale: 'es-ES' }));
    expect(response.statusCode).toBe(200);
    const [answer, helpful] = channel.received.map((r) => r);
    expect(answer!.path).toBe('/v3/conversations/conv-1/activities/in-1');
    expect(answer!.authorization).toBeUndefined();
    expect(answer!.activity).toMatchObject({ type: 'message', textFormat: 'markdown', locale: 'es', replyToId: 'in-1', recipient: { id: 'user-1' } });
    expect(answer!.activity.text).toContain('En la UE usas tu tarifa como en casa.');
    expect(answer!.activity.text).toMatch(/\[Roaming en la Unión Europea\]\(http:\/\/localhost(:\d+)?\/help\/roaming-ue\)/);
    expect(helpful!.activity.text).toBe('¿Te sirvió?');
    expect(helpful!.activity.suggestedActions.actions).toEqual([
      { type: 'imBack', title: 'Sí', value: 'Sí' }, { type: 'imBack', title: 'No', value: 'No' },
    ]);
  });

  it('keeps one engine conversation per channel conversation, with the customer as from.id', async () => {
    const { post, activity, runtime } = await setup();
    await post(activity({ text: '¿puedo usar datos en Francia?' }));
    await post(activity({ text: 'Sí' }));
    const row = runtime.store.db.prepare('select id, customer_id, channel from conversations').get();
    expect(row).toEqual({ id: 'emulator:conv-1', customer_id: 'user-1', channel: 'botframework' });
  });

  it('offers a clarification\'s options as buttons, not as a numbered list', async () => {
    const { post, activity, channel } = await setup();
    await post(activity({ text: 'roaming' }));
    const options = channel.received.find((r) => r.activity.suggestedActions)?.activity;
    expect(options?.suggestedActions.actions.length).toBeGreaterThanOrEqual(2);
    expect(options?.text).not.toMatch(/^1\. /m);
  });

  it('welcomes a customer who joins, in the activity\'s language, and says nothing when only the bot joins', async () => {
    const { post, activity, channel } = await setup();
    const join = (members: { id: string }[], locale: string) =>
      post(activity({ type: 'conversationUpdate', membersAdded: members, locale }));
    expect((await join([{ id: 'escucha-bot' }], 'es-ES')).statusCode).toBe(200);
    expect(channel.received).toEqual([]);
    await join([{ id: 'escucha-bot' }, { id: 'user-1' }], 'en-US');
    expect(channel.received.map((r) => r.activity.text)).toEqual(["Hi, I'm Nubo's assistant. Tell me what you need and I'll look it up in our help center."]);
  });

  it('answers in the language of the activity\'s locale', async () => {
    const { post, activity, channel } = await setup();
    await post(activity({ text: 'can I use data in France?', locale: 'en-US' }));
    expect(channel.received[0]!.activity.text).toContain('In the EU you use your plan as at home.');
    expect(channel.received[0]!.activity.locale).toBe('en');
  });

  it('returns the replies in the response with deliveryMode expectReplies, and calls nobody back', async () => {
    const { post, activity, channel } = await setup();
    const response = await post(activity({ text: '¿puedo usar datos en Francia?', deliveryMode: 'expectReplies' }));
    expect(response.statusCode).toBe(200);
    const { activities } = response.json() as { activities: { text: string; suggestedActions?: unknown }[] };
    expect(activities.map((a) => a.text)).toEqual([expect.stringContaining('En la UE usas tu tarifa'), '¿Te sirvió?']);
    expect(activities[1]!.suggestedActions).toBeDefined();
    expect(channel.received).toEqual([]);
  });

  it('refuses a body that is not an activity with 400', async () => {
    const { app } = await setup();
    const response = await app.inject({ method: 'POST', url: '/api/messages', payload: 'hola', headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    for (const payload of [{ text: 'hola' }, { type: '' }, [1, 2]]) {
      const refused = await app.inject({ method: 'POST', url: '/api/messages', payload });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatch(/body/);
    }
  });

  it('delivers an agent\'s reply to the conversation proactively, with the reference kept in the store', async () => {
    const { post, activity, channel, runtime } = await setup();
    await post(activity({ text: 'quiero hablar con una persona' }));
    const [handoff] = runtime.bot.desk.queue();
    expect(handoff).toMatchObject({ conversationId: 'emulator:conv-1', channel: 'botframework' });
    await runtime.bot.desk.claim(handoff!.id, 'ana');
    channel.received.length = 0;
    await runtime.bot.desk.reply(handoff!.id, 'ana', 'Hola, soy Ana. Ya veo tu caso.');
    await expect.poll(() => channel.received.length).toBe(1);
    expect(channel.received[0]!.path).toMatch(/^\/v3\/conversations\/conv-1\/activities/);
    expect(channel.received[0]!.activity).toMatchObject({ type: 'message', text: 'Hola, soy Ana. Ya veo tu caso.', recipient: { id: 'user-1' } });

    // The bot resuming (the agent hands back) is delivered the same way, with the survey's answers as buttons.
    await runtime.bot.desk.handBack(handoff!.id, 'ana');
    await expect.poll(() => channel.received.length).toBe(3);
    expect(channel.received[1]!.activity.text).toContain('Vuelvo a estar yo por aquí');
    expect(channel.received[2]!.activity.suggestedActions.actions.at(-1)).toEqual({ type: 'imBack', title: 'Muy bien', value: '5' });
    await post(activity({ text: '5' }));
    expect(runtime.store.db.prepare("select kind, score from surveys").all()).toEqual([{ kind: 'csat', score: 5 }]);
  });

  it('reaches a conversation after a restart: references live in SQLite, not in the adapter', async () => {
    const { post, activity, channel, runtime, config } = await setup();
    await post(activity({ text: '¿puedo usar datos en Francia?' }));
    channel.received.length = 0;
    const references = new SqliteReferenceStore(runtime.store.db);
    expect(references.get('emulator:conv-1')?.reference).toMatchObject({ channelId: 'emulator', serviceUrl: channel.serviceUrl, conversation: { id: 'conv-1' } });
    const fresh = new BotFrameworkChannel({ secrets: config.secrets, engine: () => runtime.bot.engine, references: () => references, log: quietLog });
    expect(await fresh.deliver({ conversationId: 'emulator:conv-1', replies: [{ text: 'Seguimos por aquí.' }], locale: 'es' })).toBe(true);
    expect(channel.received.map((r) => r.activity.text)).toEqual(['Seguimos por aquí.']);
    expect(await fresh.deliver({ conversationId: 'emulator:nobody', replies: [{ text: 'x' }] })).toBe(false);
  });

  it('forgets the reference with the conversation (privacy: forget and retention cascade to it)', async () => {
    const { post, activity, runtime } = await setup();
    await post(activity({ text: '¿puedo usar datos en Francia?' }));
    const count = () => (runtime.store.db.prepare('select count(*) as n from conversation_references').get() as { n: number }).n;
    expect(count()).toBe(1);
    runtime.store.db.prepare('delete from conversations').run();
    expect(count()).toBe(0);
  });
});

describe('Bot Framework with a MicrosoftAppId (JWT validation)', () => {
  const secured = `  secrets: { microsoftAppId: '00000000-1111-2222-3333-444444444444', microsoftAppPassword: 'not-a-real-password' },`;

  it('refuses with 401, and sends nothing, without a token, with a malformed one, or with one from a foreign issuer', async () => {
    const { post, activity, channel } = await setup(secured);
    // The SDK prints each refusal with console.error; kept out of the test output.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const foreign = jwt({ iss: 'https://login.evil.example/', aud: '00000000-1111-2222-3333-444444444444', exp: Math.floor(Date.now() / 1000) + 600 });
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-jwt' }, { authorization: `Bearer ${foreign}` }];
    for (const headers of attempts) {
      const response = await post(activity({ text: 'hola' }), headers);
      expect(response.statusCode).toBe(401);
    }
    expect(channel.received).toEqual([]);
    expect(printed).toHaveBeenCalledTimes(3);
    printed.mockRestore();
  });
});

const quietLog = { warn: () => undefined, error: () => undefined };

/** A well-formed JWT with a made-up signature: enough to reach the issuer check, never valid. */
function jwt(payload: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'made-up' })}.${part(payload)}.${Buffer.from('signature').toString('base64url')}`;
}

