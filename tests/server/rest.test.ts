import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { serverFixture, type ServerFixture } from './fixture.js';

let fixtures: ServerFixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures) await fixture.close();
  fixtures = [];
});

async function server(options: Parameters<typeof serverFixture>[0] = {}) {
  const fixture = await serverFixture(options);
  fixtures.push(fixture);
  const { app } = fixture;
  const open = async (body?: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/api/conversations', ...(body && { payload: body }) });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; locale: string; cursor: string; replies: { text: string }[] };
  };
  const send = (id: string, body: unknown) => app.inject({ method: 'POST', url: `/api/conversations/${id}/messages`, payload: body as object });
  const later = (id: string, after?: string) =>
    app.inject({ url: `/api/conversations/${id}/messages${after === undefined ? '' : `?after=${after}`}` });
  return { ...fixture, open, send, later };
}

/** The customer asks for a person, and an agent claims the case: what each test of the relay starts from. */
async function handedOff(s: Awaited<ReturnType<typeof server>>) {
  const { id } = await s.open({ locale: 'es', customerId: 'cust-1' });
  const asked = (await s.send(id, { text: 'quiero hablar con una persona' })).json();
  expect(asked).toMatchObject({ decision: 'handoff', status: 'waiting' });
  const desk = s.runtime.bot.desk;
  const [handoff] = desk.queue();
  await desk.claim(handoff!.id, 'ana');
  return { id, handoffId: handoff!.id, cursor: asked.cursor as string };
}

describe('REST chat API', () => {
  it('opens a conversation with a welcome in its language, and answers with the decision, citation and options as data', async () => {
    const s = await server();
    const spanish = await s.open();
    expect(spanish).toMatchObject({ locale: 'es', status: 'bot', cursor: '0-0', replies: [{ text: expect.stringMatching(/^Hola, soy el asistente de Nubo/) }] });
    const english = await s.open({ locale: 'en-GB', customerId: 'cust-9' });
    expect(english.locale).toBe('en');
    expect(english.replies[0]!.text).toMatch(/^Hi/);
    expect(english.id).not.toBe(spanish.id);

    const response = await s.send(spanish.id, { text: '¿cómo activo el roaming?' });
    expect(response.statusCode).toBe(200);
    const turn = response.json();
    expect(turn).toMatchObject({
      id: spanish.id, locale: 'es', decision: 'answer', status: 'bot',
      articles: [{ id: 'roaming-ue', title: 'Roaming en la Unión Europea', section: 'como-activarlo' }],
      replies: [
        {
          citation: { title: 'Roaming en la Unión Europea', url: '/help/roaming-ue#como-activarlo' },
          related: [{ title: 'Configurar el APN', url: '/help/apn' }],
        },
        { text: '¿Te sirvió?', options: [{ label: 'Sí', value: 'Sí' }, { label: 'No', value: 'No' }] },
      ],
    });
    const [answer] = turn.replies;
    expect(answer.markdown).toContain('1. Entra en **Mi Nubo › Roaming**.');
    expect(answer.markdown).toContain('[Roaming en la Unión Europea](/help/roaming-ue#como-activarlo)');
    expect(answer.html).toContain('<ol><li>Entra en <strong>Mi Nubo › Roaming</strong>.</li>');
    expect(answer.html).toContain('<a href="/help/roaming-ue#como-activarlo">Roaming en la Unión Europea</a>');
    expect(answer.text).toContain('Roaming en la Unión Europea (/help/roaming-ue#como-activarlo)');
    // Options are data; the rendered text does not list them as well.
    expect(turn.replies[1].markdown).toBe('¿Te sirvió?');

    const feedback = (await s.send(spanish.id, { text: 'Sí' })).json();
    expect(feedback.decision).toBe('smalltalk');
    expect(feedback.replies[0].options).toBeUndefined();
  });

  it('keeps the language and customer given when the conversation was opened', async () => {
    const s = await server();
    const { id } = await s.open({ locale: 'en', customerId: 'cust-42' });
    expect((await s.later(id)).json()).toEqual({ id, status: 'bot', messages: [], cursor: '0-0' });
    await s.send(id, { text: 'hello' });
    const state = await s.runtime.store.conversations.load(id);
    expect(state).toMatchObject({ channel: 'rest', locale: 'en', customerId: 'cust-42' });
  });

  it('rejects what is not a message with a clear 4xx', async () => {
    const s = await server();
    const { id } = await s.open();
    const cases: [unknown, number, string][] = [
      [{}, 400, "body must have required property 'text'"],
      [{ text: '' }, 400, 'body/text must NOT have fewer than 1 characters'],
      [{ text: '   \n ' }, 400, "body/text is empty: write the customer's message"],
      [{ text: 42 }, 400, 'body/text must be a string'],
      [{ text: ['hola'] }, 400, 'body/text must be a string'],
      [['hola'], 400, 'the body must be a JSON object'],
      [{ text: 'a'.repeat(2001) }, 400, 'body/text must NOT have more than 2000 characters'],
      [{ text: 'a'.repeat(70_000) }, 413, 'Request body is too large'],
      [{ text: 'hola', after: 'yesterday' }, 400, 'body/after must match pattern "^[0-9]{1,15}-[0-9]{1,4}$"'],
    ];
    for (const [body, status, error] of cases) {
      const response = await s.send(id, body);
      expect({ body, status: response.statusCode, error: response.json().error }).toEqual({ body, status, error });
    }
    const invalidJson = await s.app.inject({
      method: 'POST', url: `/api/conversations/${id}/messages`, headers: { 'content-type': 'application/json' }, payload: '{"text": "hola"',
    });
    expect(invalidJson.statusCode).toBe(400);
    const badOpen = await s.app.inject({ method: 'POST', url: '/api/conversations', payload: { locale: 'español<script>' } });
    expect(badOpen.statusCode).toBe(400);
    expect(badOpen.json().error).toMatch(/^body\/locale must match pattern/);
    const badCursor = await s.later(id, 'latest');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error).toMatch(/^querystring\/after must match pattern/);
  });

  it('answers 404 for a conversation it does not know, or one of another channel', async () => {
    const s = await server();
    const unknown = await s.send('5a8f0c1e-0000-4000-8000-000000000000', { text: 'hola' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'no conversation 5a8f0c1e-0000-4000-8000-000000000000: open one with POST /api/conversations' });
    expect((await s.later('nope')).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'POST', url: '/api/conversations/nope/end' })).statusCode).toBe(404);
    expect((await s.later('bad id!')).statusCode).toBe(400);

    await s.runtime.bot.engine.handle({ conversationId: 'teams-1', text: 'hola', channel: 'botframework' });
    expect((await s.later('teams-1')).statusCode).toBe(404);
    expect((await s.send('teams-1', { text: 'hola' })).statusCode).toBe(404);
  });

  it('delivers an agent reply and the bot taking over again, after the cursor of the last response', async () => {
    const s = await server();
    const { id, handoffId, cursor } = await handedOff(s);
    expect((await s.later(id, cursor)).json()).toEqual({ id, status: 'assigned', messages: [], cursor });

    const desk = s.runtime.bot.desk;
    await desk.reply(handoffId, 'ana', 'Hola, soy Ana. Lo miro ahora mismo.');
    const relayed = (await s.send(id, { text: 'gracias, espero', after: cursor })).json();
    expect(relayed).toMatchObject({ status: 'assigned', replies: [] });
    // The agent's reply crossed the customer's message: it comes back with the response, not lost.
    expect(relayed.earlier).toMatchObject([{ from: 'agent', agentId: 'ana', text: 'Hola, soy Ana. Lo miro ahora mismo.' }]);

    await desk.reply(handoffId, 'ana', 'Ya está: te he activado el **roaming**.');
    await desk.resolve(handoffId, 'ana');
    const polled = (await s.later(id, relayed.cursor)).json();
    expect(polled.status).toBe('bot');
    expect(polled.messages).toMatchObject([
      { from: 'agent', agentId: 'ana', markdown: 'Ya está: te he activado el **roaming**.', html: '<p>Ya está: te he activado el <strong>roaming</strong>.</p>' },
      { from: 'bot', text: expect.stringMatching(/^Vuelvo a estar yo por aquí/), options: [{ label: 'Muy mal', value: '1' }, {}, {}, {}, { label: 'Muy bien', value: '5' }] },
    ]);
    expect((await s.later(id, polled.cursor)).json()).toEqual({ id, status: 'bot', messages: [], cursor: polled.cursor });

    const survey = (await s.send(id, { text: '5' })).json();
    expect(survey.replies[0].options).toHaveLength(7);
  });

  it('keeps the transcript across a restart: a client that comes back gets what it missed', async () => {
    const first = await server();
    const { id, handoffId, cursor } = await handedOff(first);
    await first.runtime.bot.desk.reply(handoffId, 'ana', 'Te escribo en cuanto lo tenga.');
    await first.close();
    fixtures = [];

    const second = await server({ root: first.root });
    const missed = (await second.later(id, cursor)).json();
    expect(missed).toMatchObject({ status: 'assigned', messages: [{ from: 'agent', text: 'Te escribo en cuanto lo tenga.' }] });
    const all = (await second.later(id)).json();
    expect(all.messages.map((m: { from: string }) => m.from)).toEqual(['customer', 'bot', 'agent']);
    expect(all.cursor).toBe(missed.cursor);
  });

  it('ends a conversation: later messages to it are refused, its transcript can still be read', async () => {
    const s = await server();
    const { id } = await s.open();
    await s.send(id, { text: '¿cómo activo el roaming?' });
    const ended = await s.app.inject({ method: 'POST', url: `/api/conversations/${id}/end` });
    expect(ended.json()).toEqual({ id, status: 'ended' });
    const again = await s.send(id, { text: 'hola' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe(`conversation ${id} has ended: open a new one with POST /api/conversations`);
    expect((await s.later(id)).json()).toMatchObject({ status: 'ended', messages: [{ from: 'customer' }, { from: 'bot' }] });
    const twice = await s.app.inject({ method: 'POST', url: `/api/conversations/${id}/end`, headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(twice.statusCode).toBe(200);

    const unused = await s.open();
    expect((await s.app.inject({ method: 'POST', url: `/api/conversations/${unused.id}/end` })).statusCode).toBe(200);
    expect((await s.send(unused.id, { text: 'hola' })).statusCode).toBe(404);
  });

  it('behind a trusted proxy, counts each client by its forwarded address; otherwise ignores the header', async () => {
    const send = (app: FastifyInstance, id: string, client: string) => app.inject({
      method: 'POST', url: `/api/conversations/${id}/messages`, headers: { 'x-forwarded-for': client }, payload: { text: 'hola' },
    });
    for (const [trusted, expected] of [[true, 200], [false, 429]] as const) {
      const s = await server({ config: `  server: { rateLimitPerMinute: 1, trustProxy: ${trusted} },` });
      const { id } = await s.open();
      expect((await send(s.app, id, '203.0.113.1')).statusCode).toBe(200);
      expect((await send(s.app, id, '203.0.113.2')).statusCode, `trustProxy ${trusted}`).toBe(expected);
    }
  });

  it('limits each client to the configured messages per minute, with 429', async () => {
    const s = await server({ config: '  server: { rateLimitPerMinute: 3 },' });
    const { id } = await s.open();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await s.send(id, { text: 'hola' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await s.send(id, { text: 'hola' });
    expect(limited.json().error).toMatch(/^Rate limit exceeded/);
    expect(limited.headers['retry-after']).toBeDefined();
    // Another client is not held back by this one.
    const other = await s.app.inject({ method: 'POST', url: `/api/conversations/${id}/messages`, remoteAddress: '10.0.0.2', payload: { text: 'hola' } });
    expect(other.statusCode).toBe(200);
    // Polling has its own, larger allowance.
    expect((await s.later(id)).statusCode).toBe(200);
  });
});
