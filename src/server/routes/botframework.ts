import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { BotFrameworkChannel, BOT_FRAMEWORK_CHANNEL } from '../../channels/botframework/channel.js';
import type { Delivery } from '../runtime.js';
import { originOf } from '../../channels/botframework/http.js';

/**
 * Bot Framework at `POST /api/messages` (Teams, the Emulator, Azure Bot Service channels), and the proactive
 * delivery of agents' replies to those conversations.
 */
export const botFrameworkRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app;
  const { config } = runtime;
  const channel = new BotFrameworkChannel({
    secrets: config.secrets,
    engine: () => runtime.bot.engine,
    references: () => runtime.store.references,
    log: app.log,
  });
  const authenticated = Boolean(config.secrets.microsoftAppId);

  app.post('/api/messages', {
    // The adapter validates the rest; a body that is not an activity at all is refused here with a clear 400.
    schema: { body: { type: 'object', required: ['type'], properties: { type: { type: 'string', minLength: 1 } } } },
    config: {
      rateLimit: {
        max: config.server.rateLimitPerMinute, timeWindow: 60_000,
        // With an app id every request comes from the Bot Framework service, so the customer is who is limited;
        // anonymous, anyone may post and the caller's address is.
        ...(authenticated && { hook: 'preHandler', keyGenerator: customerKey }),
      },
    },
  }, async (request, reply) => {
    await channel.process(request, reply, originOf(request));
    return reply;
  });

  const deliver = (delivery: Delivery) => {
    if (delivery.channel !== BOT_FRAMEWORK_CHANNEL) return;
    channel.deliver(delivery).then((sent) => {
      if (!sent) app.log.warn(`no conversation reference for ${delivery.conversationId}: a message from the ${delivery.from} was not delivered`);
    }, (error: Error) => app.log.error(`delivering to ${delivery.conversationId} failed: ${error.message}`));
  };
  runtime.events.on('delivery', deliver);
  app.addHook('onClose', async () => { runtime.events.off('delivery', deliver); });
};

function customerKey(request: FastifyRequest): string {
  const activity = request.body as { channelId?: unknown; from?: { id?: unknown } } | undefined;
  return `${String(activity?.channelId)}:${String(activity?.from?.id)}`;
}
