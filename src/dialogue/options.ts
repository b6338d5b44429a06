import type { Lexicon, TrendOptions } from '../emotion/index.js';
import type { MessageOverrides } from './messages.js';
import type { Thresholds } from './policy.js';
import type { ConversationStore } from './state.js';
import type { Availability, EngineEvent, KnowledgeSearch } from './types.js';

export interface EngineOptions {
  search: KnowledgeSearch;
  store: ConversationStore;
  locales: { default: string; supported: readonly string[] };
  thresholds: Thresholds;
  messages?: MessageOverrides;
  company: string;
  helpCenterUrl?: string;
  maxReplyChars: number;
  inactivityMinutes: number;
  emotion: EmotionPolicy;
  handoff: { afterFailures: number; expectedWaitMinutes: number };
  /** CSAT then CES (and an optional comment) after a resolution or an agent's handback; on by default. */
  surveys?: { enabled: boolean; comment: boolean };
  /** Applied to what the conversation keeps of each message (emails, phone and card numbers...); none by default. */
  redact?: (text: string) => string;
  /**
   * Whether the team's queue really holds an open case for the conversation (the handoff desk knows). A conversation
   * the bot believes handed off without one (the case was closed elsewhere, or could not be written) is the bot's
   * again; without this the engine trusts its own state.
   */
  handoffOpen?: (conversationId: string) => boolean;
  /** Whether the team is in (business hours); by default always. */
  availability?: (now: Date) => Availability;
  /** Receives every event once the turn is saved (outcomes, handoff); they are also returned with the turn. */
  onEvent?: (event: EngineEvent) => void;
  now?: () => Date;
}

export interface EmotionPolicy {
  /** The conversation's frustration (trend level) that brings a person. */
  handoffLevel: number;
  /** From this level on, the bot keeps answers short, apologises where it failed and offers a person. */
  mildLevel: number;
  /** How frustration adds up over messages, and what counts as rising (rising counts from `trend.risingThreshold`). */
  trend: Partial<TrendOptions>;
  /** Lexicons per locale, with the operator's additions; by default the shipped ones. */
  lexicons?: ReadonlyMap<string, Lexicon>;
}
