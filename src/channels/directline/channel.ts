import { ActivityTypes, type Activity } from 'botbuilder';
import type { ChannelLog } from '../botframework/adapter.js';
import { EscuchaBot, type ConversationEngine } from '../botframework/bot.js';
import type { ChannelDelivery } from '../botframework/channel.js';
import { DirectLineAdapter } from './adapter.js';
import { DirectLineConversations, type ConversationLimits, type DirectLineConversation, type Grant } from './conversations.js';
import type { DirectLineStore } from './store.js';

/** The engine's name for conversations of this server's own Direct Line (its web chat). */
export const DIRECT_LINE_CHANNEL = 'directline';

/** Why a customer's activity was refused: the HTTP status and a message that says what to change. */
export class DirectLineError extends Error {
  constructor(readonly status: 400 | 403, message: string) {
    super(message);
  }
}

/** What a customer may send: messages and events (typing is accepted and dropped). */
const ACCEPTED_TYPES = new Set<string>([ActivityTypes.Message, ActivityTypes.Event, ActivityTypes.Typing]);
const USER_ID = /^[\w.@:-]{1,64}$/;
const MAX_TEXT_CHARS = 4_000;

export interface DirectLineChannelOptions {
  engine: () => ConversationEngine;
  botName: string;
  log: ChannelLog;
  /** Where conversations and tokens are kept (read when needed: the server opens its store once started). */
  store: () => DirectLineStore;
  limits?: Partial<ConversationLimits>;
  now?: () => number;
}

/**
 * The Direct Line 3.0 subset the official Web Chat needs, on the same bot as every other channel: conversations with
 * their tokens, the customer's activities run through the bot, the bot's appended for the customer to poll.
 */
export class DirectLineChannel {
  readonly conversations: DirectLineConversations;
  readonly adapter: DirectLineAdapter;
  readonly bot: EscuchaBot;

  constructor(private readonly options: DirectLineChannelOptions) {
    this.conversations = new DirectLineConversations({ store: options.store, ...(options.limits && { limits: options.limits }), ...(options.now && { now: options.now }) });
    this.adapter = new DirectLineAdapter(this.conversations, { id: 'escucha', name: options.botName, role: 'bot' });
    this.adapter.onTurnError = async (context, error) => {
      options.log.error(`direct line turn failed (${context.activity.type}): ${error.message}`);
    };
    this.bot = new EscuchaBot({ engine: options.engine, channel: DIRECT_LINE_CHANNEL });
  }

  /** A new conversation (undefined when the server holds too many); `userId` is kept only when it is a sane id. */
  open(details: { userId?: unknown; locale?: unknown; linkBase: string }): Grant | undefined {
    const userId = typeof details.userId === 'string' && USER_ID.test(details.userId) ? details.userId : undefined;
    const locale = typeof details.locale === 'string' && /^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{1,8})*$/.test(details.locale) ? details.locale : undefined;
    return this.conversations.open({ linkBase: details.linkBase, ...(userId && { userId }), ...(locale && { locale }) });
  }

  /** The customer's client connected: the bot welcomes them, once per conversation. */
  async join(conversation: DirectLineConversation): Promise<void> {
    if (conversation.joined || !this.conversations.markJoined(conversation)) return;
    await this.adapter.receive(conversation, {
      type: ActivityTypes.ConversationUpdate, id: `${conversation.id}|join`, timestamp: new Date(),
      from: { id: conversation.userId, name: '' }, membersAdded: [{ id: conversation.userId, name: '' }],
      ...(conversation.locale && { locale: conversation.locale }),
    }, (context) => this.bot.run(context));
  }

  /**
   * A customer's activity: checked, stored as sent (Web Chat matches its echo by `channelData.clientActivityID`),
   * then run through the bot, whose replies are stored after it. Returns the stored activity's id.
   */
  async post(conversation: DirectLineConversation, body: unknown): Promise<string> {
    const activity = this.customerActivity(conversation, body);
    if (activity.type === ActivityTypes.Typing) return `${conversation.id}|typing`;
    const stored = this.conversations.append(conversation, activity);
    await this.adapter.receive(conversation, stored, (context) => this.bot.run(context));
    return stored.id;
  }

  /** Appends a delivery to its conversation; false when the conversation is not (or no longer) held here. */
  async deliver(delivery: ChannelDelivery): Promise<boolean> {
    const prefix = `${DIRECT_LINE_CHANNEL}:`;
    if (!delivery.conversationId.startsWith(prefix)) return false;
    const conversation = this.conversations.get(delivery.conversationId.slice(prefix.length));
    if (!conversation) return false;
    await this.adapter.continueConversation(this.adapter.referenceOf(conversation),
      (context) => this.bot.deliver(context, delivery.replies, delivery.locale ?? conversation.locale));
    return true;
  }

  /** Only what the bot reads and Web Chat needs back: never the client's own ids, roles or attachments. */
  private customerActivity(conversation: DirectLineConversation, body: unknown): Partial<Activity> {
    const given = (body && typeof body === 'object' ? body : {}) as Partial<Activity> & Record<string, unknown>;
    const type = typeof given.type === 'string' ? given.type : '';
    if (!ACCEPTED_TYPES.has(type)) throw new DirectLineError(400, `activity type must be message, event or typing, not ${JSON.stringify(type || undefined)}`);
    const fromId = given.from?.id;
    if (typeof fromId !== 'string' || !USER_ID.test(fromId)) throw new DirectLineError(400, 'from.id must be the customer\'s id (letters, digits, ".", "@", ":", "_" or "-", at most 64)');
    this.conversations.bindUser(conversation, fromId);
    if (fromId !== conversation.userId) throw new DirectLineError(403, 'from.id is not this conversation\'s customer');
    if (given.text !== undefined && typeof given.text !== 'string') throw new DirectLineError(400, 'text must be a string');
    if ((given.text?.length ?? 0) > MAX_TEXT_CHARS) throw new DirectLineError(400, `text is longer than ${MAX_TEXT_CHARS} characters`);
    const channelData = given.channelData as { clientActivityID?: unknown; clientTimestamp?: unknown } | undefined;
    const locale = typeof given.locale === 'string' && given.locale.length <= 35 ? given.locale : undefined;
    return {
      type, from: { id: fromId, name: typeof given.from?.name === 'string' ? given.from.name.slice(0, 100) : '', role: 'user' },
      ...(type === ActivityTypes.Message && { text: given.text ?? '', textFormat: 'plain' }),
      ...(type === ActivityTypes.Event && typeof given.name === 'string' && { name: given.name.slice(0, 100) }),
      ...(locale && { locale }),
      ...(channelData && {
        channelData: {
          ...(typeof channelData.clientActivityID === 'string' && { clientActivityID: channelData.clientActivityID.slice(0, 100) }),
          ...(typeof channelData.clientTimestamp === 'string' && { clientTimestamp: channelData.clientTimestamp.slice(0, 40) }),
        },
      }),
    };
  }
}
