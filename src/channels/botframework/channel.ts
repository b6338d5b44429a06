import type { CloudAdapter } from 'botbuilder';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createCloudAdapter, type BotFrameworkSecrets, type ChannelLog } from './adapter.js';
import { EscuchaBot, LINK_BASE, type ConversationEngine } from './bot.js';
import { cloudResponse } from './http.js';
import type { ReferenceStore } from './references.js';

/** A message for a customer that no request of theirs is waiting for (the runtime's `delivery` event). */
export interface ChannelDelivery {
  conversationId: string;
  replies: Parameters<EscuchaBot['deliver']>[1];
  locale?: string | undefined;
}

export interface BotFrameworkChannelOptions {
  secrets: BotFrameworkSecrets;
  engine: () => ConversationEngine;
  /** Read when first needed: the store opens once the server has started. */
  references: () => ReferenceStore;
  log: ChannelLog;
}

/** The engine's name for conversations that came through `/api/messages`. */
export const BOT_FRAMEWORK_CHANNEL = 'botframework';

/** Bot Framework channels (Teams, the Emulator, Azure's Web Chat and Direct Line...): the adapter and the bot. */
export class BotFrameworkChannel {
  readonly adapter: CloudAdapter;
  readonly bot: EscuchaBot;

  constructor(private readonly options: BotFrameworkChannelOptions) {
    this.adapter = createCloudAdapter(options.secrets, options.log);
    this.bot = new EscuchaBot({
      engine: options.engine, channel: BOT_FRAMEWORK_CHANNEL,
      references: { save: (...args) => options.references().save(...args) },
    });
  }

  /** One POST to /api/messages: authenticated, run, and answered by the adapter (including `expectReplies`). */
  async process(request: FastifyRequest, reply: FastifyReply, linkBase: string): Promise<void> {
    await this.adapter.process(request as Parameters<CloudAdapter['process']>[0], cloudResponse(reply), async (context) => {
      context.turnState.set(LINK_BASE, linkBase);
      await this.bot.run(context);
    });
  }

  /** Sends a delivery to its conversation with the stored reference; false when this server never saw it. */
  async deliver(delivery: ChannelDelivery): Promise<boolean> {
    const stored = this.options.references().get(delivery.conversationId);
    if (!stored) return false;
    await this.adapter.continueConversationAsync(this.options.secrets.microsoftAppId ?? '', stored.reference, async (context) => {
      context.turnState.set(LINK_BASE, stored.linkBase);
      await this.bot.deliver(context, delivery.replies, delivery.locale);
    });
    return true;
  }
}
