import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';

export interface DirectLineConversation {
  readonly id: string;
  /** The customer's id (Web Chat's `userID`): the conversation's activities must come from it. */
  userId: string;
  /** False while `userId` is one made up here: a Web Chat that picked its own binds it with its first activity. */
  userBound: boolean;
  /** The browser's language, for the welcome. */
  locale?: string;
  /** The server's origin as the customer reached it, for absolute links in the bot's replies. */
  linkBase?: string;
  /** Whether the bot has welcomed the customer. */
  joined: boolean;
  /** The kept activities; `dropped` older ones were let go, so watermarks stay positions in the whole list. */
  activities: Activity[];
  dropped: number;
  /** When the last token for it expires; the conversation is forgotten then. */
  expiresAt: number;
}

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

/**
 * The Direct Line conversations this server holds, in memory: each readable only with one of its own tokens. They
 * last as long as their tokens; what the customer and the bot said is kept by the engine's store, not here.
 */
export class DirectLineConversations {
  private readonly conversations = new Map<string, DirectLineConversation>();
  private readonly tokens = new Map<string, { conversationId: string; expiresAt: number }>();
  private readonly limits: ConversationLimits;
  private readonly now: () => number;

  constructor(options: { limits?: Partial<ConversationLimits>; now?: () => number } = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  get size(): number { return this.conversations.size; }

  /** A new conversation and its first token; undefined when the server holds as many as it may. */
  open(details: { userId?: string; locale?: string; linkBase?: string }): Grant | undefined {
    if (this.conversations.size >= this.limits.maxConversations) this.sweep();
    if (this.conversations.size >= this.limits.maxConversations) return undefined;
    const conversation: DirectLineConversation = {
      id: randomId(18), joined: false, activities: [], dropped: 0, expiresAt: 0,
      // Web Chat needs the customer's id to tell sides. One made up here (for a client that did not say which id it
      // uses) is replaced by the id of the client's first activity.
      userId: details.userId ?? newUserId(), userBound: details.userId !== undefined,
      ...(details.locale && { locale: details.locale }),
      ...(details.linkBase && { linkBase: details.linkBase }),
    };
    this.conversations.set(conversation.id, conversation);
    return this.grant(conversation);
  }

  /** What a valid, unexpired token opens, and for how many more seconds. */
  grantOf(token: string | undefined): Grant | undefined {
    const entry = token ? this.tokens.get(token) : undefined;
    const conversation = entry && entry.expiresAt > this.now() ? this.conversations.get(entry.conversationId) : undefined;
    return conversation && { conversation, token: token!, expiresIn: Math.floor((entry!.expiresAt - this.now()) / 1000) };
  }

  get(id: string): DirectLineConversation | undefined {
    const conversation = this.conversations.get(id);
    return conversation && conversation.expiresAt > this.now() ? conversation : undefined;
  }

  /** A fresh token for the conversation a valid token opens; the old one stays valid until it expires. */
  refresh(token: string | undefined): Grant | undefined {
    const conversation = this.grantOf(token)?.conversation;
    return conversation && this.grant(conversation);
  }

  /** Stores an activity with the next id (`<conversation>|<position>`) and a timestamp, as Direct Line does. */
  append(conversation: DirectLineConversation, activity: Partial<Activity>): Activity & { id: string } {
    const position = conversation.dropped + conversation.activities.length;
    const stored = {
      ...activity,
      id: `${conversation.id}|${String(position).padStart(7, '0')}`,
      timestamp: new Date(this.now()),
      conversation: { id: conversation.id },
      channelId: 'directline',
    } as Activity & { id: string };
    conversation.activities.push(stored);
    const excess = conversation.activities.length - this.limits.maxActivities;
    if (excess > 0) {
      conversation.activities.splice(0, excess);
      conversation.dropped += excess;
    }
    return stored;
  }

  /** The activities from a watermark on (a position; none or garbage means from the start), and the next one. */
  since(conversation: DirectLineConversation, watermark: string | undefined): { activities: Activity[]; watermark: string } {
    const position = Number.parseInt(watermark ?? '', 10);
    const from = Number.isFinite(position) && position > conversation.dropped ? position - conversation.dropped : 0;
    return { activities: conversation.activities.slice(from), watermark: String(conversation.dropped + conversation.activities.length) };
  }

  /** Forgets expired tokens and the conversations none of whose tokens is valid any more. */
  sweep(): void {
    const now = this.now();
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
    for (const [id, conversation] of this.conversations) if (conversation.expiresAt <= now) this.conversations.delete(id);
  }

  private grant(conversation: DirectLineConversation): Grant {
    const token = randomId(32);
    const expiresAt = this.now() + this.limits.tokenSeconds * 1000;
    this.tokens.set(token, { conversationId: conversation.id, expiresAt });
    conversation.expiresAt = Math.max(conversation.expiresAt, expiresAt);
    return { conversation, token, expiresIn: this.limits.tokenSeconds };
  }
}

const randomId = (bytes: number) => randomBytes(bytes).toString('base64url');

/** A customer id for a page that lets the server choose (and then uses it as Web Chat's `userID`). */
// Not `dl_…`: Web Chat reserves that prefix for ids signed into an Azure token, and warns.
export const newUserId = () => `web-${randomId(12)}`;
