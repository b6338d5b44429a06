import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { originOf } from '../../channels/botframework/http.js';
import { DirectLineChannel, DirectLineError, DIRECT_LINE_CHANNEL } from '../../channels/directline/channel.js';
import { newUserId, type Grant } from '../../channels/directline/conversations.js';
import type { Delivery } from '../runtime.js';

/** A Web Chat activity is a few hundred bytes; this leaves room for its channel data and nothing like a file. */
const ACTIVITY_BODY_LIMIT = 16_384;
const MINUTE = 60_000;

/**
 * A Direct Line 3.0 subset at `/v3/directline`, enough for the official Web Chat (polling, no WebSocket):
 * conversations with a token each, activities posted and polled by watermark, and token refresh. Any Web Chat can
 * point its `domain` here instead of Azure.
 */
export const directLineRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app;
  const { server } = runtime.config;
  // Conversations and tokens are kept in the store, so a restart (a deploy) ends no open web chat; on the runtime's
  // clock, like the bot's.
  const channel = new DirectLineChannel({
    engine: () => runtime.bot.engine, store: () => runtime.store.directLine, botName: runtime.config.company.name, log: app.log,
    now: () => runtime.now().getTime(),
  });
  const limited = { rateLimit: { max: server.rateLimitPerMinute, timeWindow: MINUTE } };
  const granted = (grant: Grant) => ({
    conversationId: grant.conversation.id, token: grant.token, expires_in: grant.expiresIn,
    user: { id: grant.conversation.userId },
  });
  /** A new conversation; `userId` is the one the client will use, when it is told or tells one. */
  const open = (request: FastifyRequest, reply: FastifyReply, userId?: unknown) => {
    const body = (request.body ?? {}) as { locale?: unknown };
    const grant = channel.open({ userId, locale: body.locale, linkBase: originOf(request) });
    if (!grant) void reply.code(503).header('retry-after', '60').send({ error: 'too many open conversations; try again in a minute' });
    return grant;
  };

  // What Azure's token endpoint does for a page: a conversation and its token, without any secret in the browser.
  // Escucha also takes the customer's `locale` (for the welcome) and returns the `user` id the activities must carry.
  app.post('/v3/directline/tokens/generate', { config: limited }, async (request, reply) => {
    const given = (request.body as { user?: { id?: unknown } } | undefined)?.user?.id;
    const grant = open(request, reply, given ?? newUserId());
    return grant ? granted(grant) : reply;
  });

  app.post('/v3/directline/tokens/refresh', { config: limited }, async (request, reply) => {
    const grant = channel.conversations.refresh(bearer(request));
    if (!grant) return refuse(reply);
    return granted(grant);
  });

  // With a token from tokens/generate this starts that conversation; without one (a Web Chat given no token) it
  // opens a new one, whose token the client then uses.
  app.post('/v3/directline/conversations', { config: limited }, async (request, reply) => {
    const known = channel.conversations.grantOf(bearer(request));
    const grant = known ?? open(request, reply);
    if (!grant) return reply;
    await channel.join(grant.conversation);
    return reply.code(known ? 200 : 201).send(granted(grant));
  });

  // Reconnecting (a reloaded page that kept its token).
  app.get<{ Params: { id: string } }>('/v3/directline/conversations/:id', async (request, reply) => {
    const grant = authorized(request, reply);
    if (!grant) return reply;
    await channel.join(grant.conversation);
    return granted(grant);
  });

  app.post<{ Params: { id: string } }>('/v3/directline/conversations/:id/activities', {
    bodyLimit: ACTIVITY_BODY_LIMIT, config: limited,
  }, async (request, reply) => {
    const grant = authorized(request, reply);
    if (!grant) return reply;
    try {
      return { id: await channel.post(grant.conversation, request.body) };
    } catch (error) {
      if (error instanceof DirectLineError) return reply.code(error.status).send({ error: error.message });
      throw error;
    }
  });

  // Web Chat polls every second. Counted per conversation token rather than per address, so that customers behind
  // one address (an office, a mobile carrier's NAT) do not share a budget; opening conversations is what is limited
  // per address.
  const polling = { rateLimit: { max: server.rateLimitPerMinute * 4, timeWindow: MINUTE, keyGenerator: (request: FastifyRequest) => bearer(request) ?? request.ip } };
  app.get<{ Params: { id: string }; Querystring: { watermark?: string } }>('/v3/directline/conversations/:id/activities', { config: polling }, async (request, reply) => {
    const grant = authorized(request, reply);
    if (!grant) return reply;
    return channel.conversations.since(grant.conversation, request.query.watermark);
  });

  const deliver = (delivery: Delivery) => {
    if (delivery.channel !== DIRECT_LINE_CHANNEL) return;
    channel.deliver(delivery).then((sent) => {
      if (!sent) app.log.warn(`the web chat of ${delivery.conversationId} is closed: a message from the ${delivery.from} was not delivered`);
    }, (error: Error) => app.log.error(`delivering to ${delivery.conversationId} failed: ${error.message}`));
  };
  runtime.events.on('delivery', deliver);
  const sweeper = setInterval(() => {
    if (!runtime.ready) return;
    try {
      channel.conversations.sweep();
    } catch (error) {
      app.log.error(`forgetting expired web chats failed: ${(error as Error).message}`);
    }
  }, MINUTE);
  sweeper.unref();
  app.addHook('onClose', async () => {
    runtime.events.off('delivery', deliver);
    clearInterval(sweeper);
  });

  /** The grant of the request's token when it opens the URL's conversation; otherwise answers 401 or 403. */
  function authorized(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Grant | undefined {
    const grant = channel.conversations.grantOf(bearer(request));
    if (!grant) {
      refuse(reply);
      return undefined;
    }
    if (grant.conversation.id !== request.params.id) {
      void reply.code(403).send({ error: 'this token is for another conversation' });
      return undefined;
    }
    return grant;
  }
};

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

const refuse = (reply: FastifyReply) => reply.code(401).header('www-authenticate', 'Bearer')
  .send({ error: 'a valid conversation token is required (Authorization: Bearer <token>); get one from POST /v3/directline/tokens/generate' });
