import { createHash, randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { conversationKey } from '../botframework/bot.js';
import type { DirectLineConversation, DirectLineStore } from './store.js';

export type { DirectLineConversation, DirectLineStore, StoredToken } from './store.js';

export interface ConversationLimits {
  /** How long a token is valid; Web Chat refreshes it every 15 minutes while the page is open. */
  tokenSeconds: number;
  /** Open conversations kept at once; beyond it new ones are refused until others expire. */
  maxConversations: number;
  /** Activities kept per conversation; a client that polls is never that far behind. */
  maxActivities: number;
}

export const DEFAULT_LIMITS: ConversationLimits = { tokenSeconds: 3600, maxConversations: 10_000, maxActivities: 500 };

/** A token and what it opens. */
export interface Grant {
  conversation: DirectLineConversation;
  token: string;
  expiresIn: number;
}

export interface DirectLineConversationsOptions {
  /** Where they are kept; read when needed, as the server opens its store only once started. */
  store: () => DirectLineStore;
  limits?: Partial<ConversationLimits>;
  now?: () => number;
}

/**
 * The Direct Line conversations this server holds, each readable only with one of its own tokens, kept in a store so
 * that they outlive a restart. They last as long as their tokens; the engine keeps what was said for longer.
 */
export class DirectLineConversations {
  private readonly store: () => DirectLineStore;
  private readonly limits: ConversationLimits;
  private readonly now: () => number;

  constructor(options: DirectLineConversationsOptions) {
    this.store = options.store;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  get size(): number { return this.store().count(); }

  /** A new conversation and its first token; undefined when the server holds as many as it may. */
  open(details: { userId?: string; locale?: string; linkBase?: string }): Grant | undefined {
    if (this.size >= this.limits.maxConversations) this.sweep();
    if (this.size >= this.limits.maxConversations) return undefined;
    const conversation: DirectLineConversation = {
      id: randomId(18), joined: false, expiresAt: 0,
      // Web Chat needs the customer's id to tell sides. One made up here (for a client that did not say which id it
      // uses) is replaced by the id of the client's first activity.
      userId: details.userId ?? newUserId(), userBound: details.userId !== undefined,
      ...(details.locale && { locale: details.locale }),
      ...(details.linkBase && { linkBase: details.linkBase }),
    };
    this.store().create(conversation);
    return this.grant(conversation);
  }

  /** What a valid, unexpired token opens, and for how many more seconds. */
  grantOf(token: string | undefined): Grant | undefined {
    const entry = token ? this.store().token(hashToken(token)) : undefined;
    const now = this.now();
    const conversation = entry && entry.expiresAt > now ? this.store().get(entry.conversationId) : undefined;
    return conversation && { conversation, token: token!, expiresIn: Math.floor((entry!.expiresAt - now) / 1000) };
  }

  get(id: string): DirectLineConversation | undefined {
    const conversation = this.store().get(id);
    return conversation && conversation.expiresAt > this.now() ? conversation : undefined;
  }

  /** A fresh token for the conversation a valid token opens; the old one stays valid until it expires. */
  refresh(token: string | undefined): Grant | undefined {
    const conversation = this.grantOf(token)?.conversation;
    return conversation && this.grant(conversation);
  }

  /** Records the welcome: true the first time only, so that two connections of one page do not both welcome. */
  markJoined(conversation: DirectLineConversation): boolean {
    const first = this.store().markJoined(conversation.id);
    conversation.joined = true;
    return first;
  }

  /** Binds a conversation whose customer id was made up here to the id its client uses (once; later ids are not). */
  bindUser(conversation: DirectLineConversation, userId: string): void {
    if (conversation.userBound) return;
    Object.assign(conversation, { userId: this.store().bindUser(conversation.id, userId) ?? conversation.userId, userBound: true });
  }

  /** Stores an activity with the next id (`<conversation>|<position>`) and a timestamp, as Direct Line does. */
  append(conversation: DirectLineConversation, activity: Partial<Activity>): Activity & { id: string } {
    const make = (position: number) => ({
      ...activity,
      id: `${conversation.id}|${String(position).padStart(7, '0')}`,
      timestamp: new Date(this.now()),
      conversation: { id: conversation.id },
      channelId: 'directline',
    } as Activity & { id: string });
    return this.store().append(conversation.id, make, {
      keep: this.limits.maxActivities,
      engineConversationId: conversationKey({ channelId: 'directline', conversation: { id: conversation.id } as Activity['conversation'] }),
    }) as Activity & { id: string };
  }

  /** The activities from a watermark on (a position; none or garbage means from the start), and the next one. */
  since(conversation: DirectLineConversation, watermark: string | undefined): { activities: Activity[]; watermark: string } {
    const position = Number.parseInt(watermark ?? '', 10);
    const { activities, next } = this.store().activitiesFrom(conversation.id, Number.isFinite(position) ? Math.max(position, 0) : 0);
    return { activities, watermark: String(next) };
  }

  /** Forgets expired tokens and the conversations none of whose tokens is valid any more. */
  sweep(): void {
    this.store().sweep(this.now());
  }

  private grant(conversation: DirectLineConversation): Grant {
    const token = randomId(32);
    const expiresAt = this.now() + this.limits.tokenSeconds * 1000;
    this.store().addToken(hashToken(token), { conversationId: conversation.id, expiresAt });
    conversation.expiresAt = Math.max(conversation.expiresAt, expiresAt);
    return { conversation, token, expiresIn: this.limits.tokenSeconds };
  }
}

const randomId = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Tokens are kept as their SHA-256: whoever reads the database cannot read the chats with what it finds there. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A customer id for a page that lets the server choose (and then uses it as Web Chat's `userID`). */
// Not `dl_…`: Web Chat reserves that prefix for ids signed into an Azure token, and warns.
export const newUserId = () => `web-${randomId(12)}`;
