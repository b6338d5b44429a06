import type { Activity } from 'botbuilder';

/** A Direct Line conversation as stored: who it is for and where it stands (its activities are read on their own). */
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
  /** When the last token for it expires (milliseconds since 1970); the conversation is forgotten then. */
  expiresAt: number;
}

/** What a token opens: a conversation, until when (milliseconds since 1970). */
export interface StoredToken {
  conversationId: string;
  expiresAt: number;
}

/**
 * Where Direct Line conversations, their tokens and their activities are kept, so that a restart (a deploy) ends no
 * open web chat: src/store/directline.ts keeps them in SQLite. Tokens reach it hashed, never as issued. Each method
 * is atomic, so that two requests of one conversation cannot both welcome it or both take a position.
 */
export interface DirectLineStore {
  /** How many conversations are kept, expired ones not yet swept included. */
  count(): number;
  /** Keeps a new conversation, without activities or tokens yet. */
  create(conversation: DirectLineConversation): void;
  /** The conversation as stored (expired or not: the caller decides), undefined when unknown or swept. */
  get(id: string): DirectLineConversation | undefined;
  /** Keeps a token's hash for a conversation, which then lasts at least as long as the token. */
  addToken(tokenHash: string, token: StoredToken): void;
  /** What a token (by its hash) opens, expired or not; undefined when never issued or swept. */
  token(tokenHash: string): StoredToken | undefined;
  /** Records that the bot welcomed the customer: true for the one caller that changed it, false when done before. */
  markJoined(id: string): boolean;
  /** Binds a conversation whose customer id was made up here to `userId`; returns the id it is bound to now. */
  bindUser(id: string, userId: string): string | undefined;
  /**
   * Keeps the activity `make` builds for the conversation's next position (0, 1, 2... for its whole life), keeping
   * only the last `keep`, and returns it. `engineConversationId` is the engine's conversation of this one: once the
   * engine has stored it, this conversation is deleted with it (forgetting a customer, retention).
   */
  append(id: string, make: (position: number) => Activity, options: { keep: number; engineConversationId: string }): Activity;
  /** The kept activities at `position` and after, oldest first, and the position the next one will take. */
  activitiesFrom(id: string, position: number): { activities: Activity[]; next: number };
  /** Deletes the tokens expired at `now`, and the conversations (with their activities) none of whose tokens is valid. */
  sweep(now: number): void;
}
