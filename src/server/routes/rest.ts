import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { buildCatalogs } from '../../dialogue/messages.js';
import type { ConversationState } from '../../dialogue/state.js';
import { CURSOR_PATTERN, cursorAfter, decodeCursor, encodeCursor, indexesAfter, START } from '../rest/cursor.js';
import { forClient, messagesAt, statusOf, transcriptAfter, type TranscriptContext } from '../rest/messages.js';
import { NewConversations, type Opening } from '../rest/new-conversations.js';

/** The channel name REST conversations are stored under; other channels' conversations are not reachable here. */
export const REST_CHANNEL = 'rest';

/** The longest message accepted, in characters (a chat message is a few hundred). */
export const MAX_MESSAGE_CHARS = 2000;

/** Conversations opened and not written in yet, kept at most. */
const MAX_NEW_CONVERSATIONS = 10_000;

/** Polling for later messages is cheap and expected every few seconds: it gets this many times the message limit. */
const POLLING_ALLOWANCE = 4;

const idParams = {
  type: 'object', required: ['id'],
  properties: { id: { type: 'string', pattern: '^[\\w.:-]{1,128}$' } },
} as const;

const openBody = {
  type: 'object', additionalProperties: false,
  properties: {
    /** The customer's language (`es`, `en-GB`): the welcome's and the first replies' until they write otherwise. */
    locale: { type: 'string', pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$', maxLength: 35 },
    /** The integrator's id for the customer: privacy requests and agents' history of the customer use it. */
    customerId: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const messageBody = {
  type: 'object', required: ['text'], additionalProperties: false,
  properties: {
    text: { type: 'string', minLength: 1, maxLength: MAX_MESSAGE_CHARS },
    /** The client's latest cursor: messages that arrived since (an agent's reply crossing this one) come back too. */
    after: { type: 'string', pattern: CURSOR_PATTERN },
  },
} as const;

const afterQuery = {
  type: 'object', additionalProperties: false,
  properties: { after: { type: 'string', pattern: CURSOR_PATTERN } },
} as const;

type WithId = { Params: { id: string } };

/**
 * The REST chat API: open a conversation, send messages and get the bot's replies as data, poll for messages that
 * come later (an agent's reply, the bot taking over again), end it. The transcript is read from the store, so a
 * restart of the server loses no message a client has not fetched yet.
 */
export const restRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app;
  const { config } = runtime;
  const limit = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
  const chatLimit = limit(config.server.rateLimitPerMinute);
  const opened = new NewConversations(
    { max: MAX_NEW_CONVERSATIONS, maxAgeMs: config.dialogue.inactivityMinutes * 60_000 }, () => runtime.now().getTime());
  const catalogs = buildCatalogs(config.dialogue.messages);
  const contextFor = (locale: string): TranscriptContext => ({
    labels: runtime.bot.engine.labels(locale),
    catalog: catalogs.get(locale) ?? catalogs.get(config.locales.default)!,
    knowledge: runtime.live.knowledge,
  });

  /** The stored REST conversation, or one opened and not written in yet; undefined for anything else. */
  async function find(id: string): Promise<{ state?: ConversationState; opening?: Opening } | undefined> {
    const state = await runtime.store.conversations.load(id);
    if (state) return state.channel === REST_CHANNEL ? { state } : undefined;
    const opening = opened.get(id);
    return opening && { opening };
  }

  const unknown = (reply: FastifyReply, id: string) =>
    reply.code(404).send({ error: `no conversation ${id}: open one with POST /api/conversations` });

  app.post<{ Body: { locale?: string; customerId?: string } | undefined }>('/api/conversations', {
    schema: { body: openBody }, config: chatLimit, preValidation: onlyStrings('locale', 'customerId'),
  }, async (request, reply) => {
    const { locale, customerId } = request.body ?? {};
    const id = randomUUID();
    opened.add(id, { ...(locale && { locale }), ...(customerId && { customerId }) });
    const starting = startingLocale(locale, config.locales);
    return reply.code(201).send({
      id, locale: starting, status: 'bot',
      replies: [forClient(runtime.bot.engine.welcome(starting), runtime.bot.engine.labels(starting))],
      cursor: encodeCursor(START),
    });
  });

  app.post<WithId & { Body: { text: string; after?: string } }>('/api/conversations/:id/messages', {
    schema: { params: idParams, body: messageBody }, config: chatLimit, preValidation: onlyStrings('text', 'after'),
  }, async (request, reply) => {
    const { id } = request.params;
    const text = request.body.text.trim();
    if (!text) return reply.code(400).send({ error: 'body/text is empty: write the customer\'s message' });
    const found = await find(id);
    if (!found) return unknown(reply, id);
    if (found.state?.endedAt) return reply.code(409).send({ error: `conversation ${id} has ended: open a new one with POST /api/conversations` });

    const sentAt = runtime.now().getTime();
    const customerId = found.state?.customerId ?? found.opening?.customerId;
    const locale = found.opening?.locale ?? found.state?.locale;
    const result = await runtime.bot.engine.handle({
      conversationId: id, text, channel: REST_CHANNEL, ...(customerId && { customerId }), ...(locale && { locale }),
    });
    opened.delete(id);

    const state = (await runtime.store.conversations.load(id))!;
    const context = contextFor(result.locale);
    const mine = ownTurns(state, runtime.bot.redact(text), result.replies.map((r) => r.text).join('\n\n'), sentAt);
    const earlier = request.body.after === undefined || !mine ? []
      : indexesAfter(state.turns, decodeCursor(request.body.after)).filter((i) => i < mine.first);
    return {
      id, locale: result.locale, decision: result.decision, status: statusOf(state),
      replies: result.replies.map((r) => forClient(r, context.labels)),
      articles: result.articles,
      ...(earlier.length && { earlier: messagesAt(state, earlier, context) }),
      cursor: encodeCursor(cursorAfter(state.turns, mine ? mine.last : state.turns.length - 1)),
    };
  });

  app.get<WithId & { Querystring: { after?: string } }>('/api/conversations/:id/messages', {
    schema: { params: idParams, querystring: afterQuery }, config: limit(config.server.rateLimitPerMinute * POLLING_ALLOWANCE),
  }, async (request, reply) => {
    const { id } = request.params;
    const found = await find(id);
    if (!found) return unknown(reply, id);
    const cursor = request.query.after === undefined ? START : decodeCursor(request.query.after);
    if (!found.state) return { id, status: 'bot', messages: [], cursor: encodeCursor(cursor) };
    return { id, status: statusOf(found.state), ...transcriptAfter(found.state, cursor, contextFor(found.state.locale)) };
  });

  app.post<WithId>('/api/conversations/:id/end', {
    schema: { params: idParams }, config: chatLimit,
  }, async (request, reply) => {
    const { id } = request.params;
    const found = await find(id);
    if (!found) return unknown(reply, id);
    opened.delete(id);
    if (found.state) await runtime.bot.engine.end(id, 'customer');
    return { id, status: 'ended' };
  });
};

/**
 * The turns this request added: the customer's message (stored redacted) and the bot's reply to it, if any. Found
 * by content rather than by position because an agent's message may be stored just before or after them.
 */
function ownTurns(state: ConversationState, customerText: string, botText: string, since: number) {
  const first = state.turns.findLastIndex((t) => t.role === 'customer' && t.text === customerText && Date.parse(t.at) >= since);
  if (first < 0) return undefined;
  const next = state.turns[first + 1];
  return { first, last: botText && next?.role === 'bot' && next.text === botText ? first + 1 : first };
}

/** The language the engine starts a conversation in: the asked one when supported (`es-MX` → `es`), else the default. */
function startingLocale(locale: string | undefined, locales: { default: string; supported: readonly string[] }): string {
  const base = locale?.toLowerCase().split(/[-_]/)[0];
  return base && locales.supported.includes(base) ? base : locales.default;
}

/**
 * Rejects fields of the wrong type before validation: fastify's validator converts types (a number becomes a
 * string), which is right for query strings but would accept `{"text": 42}` as the message "42". A request without
 * a body is read as `{}`, so that the schema names what is missing.
 */
function onlyStrings(...fields: string[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as Record<string, unknown> | undefined | null;
    if (body === undefined || body === null) {
      request.body = {};
      return;
    }
    if (typeof body !== 'object' || Array.isArray(body)) return reply.code(400).send({ error: 'the body must be a JSON object' });
    const wrong = fields.find((field) => body[field] !== undefined && typeof body[field] !== 'string');
    if (wrong) return reply.code(400).send({ error: `body/${wrong} must be a string` });
  };
}
