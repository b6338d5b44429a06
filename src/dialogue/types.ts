import type { KnowledgeBase } from '../knowledge/index.js';
import type { SearchFilters, SearchResult } from '../retrieval/index.js';
import type { Reply } from './render.js';
import type { TurnRecord } from './state.js';

import type { Decision, HandoffReason } from './decisions.js';

export type { Decision, HandoffReason };

/** One customer message, as any channel hands it to the engine. */
export interface TurnInput {
  conversationId: string;
  customerId?: string;
  text: string;
  /** The channel's idea of the customer's language (e.g. a Bot Framework activity's locale), if any. */
  locale?: string;
  /** `botframework`, `rest`, `webchat`, `cli`, `eval`... */
  channel: string;
}

export interface UsedArticle { id: string; title: string; confidence: number; section?: string }

/** How the customer feels, as the emotion module read it: this message, and the conversation so far. */
export interface EmotionReading {
  /** This message's frustration, 0..1. */
  score: number;
  /** The conversation's frustration after this message, 0..1 (several mild messages add up). */
  level: number;
  /** The last few messages climb. */
  rising: boolean;
  /** What produced the score: the rule and the customer's words. */
  reasons: { kind: string; match: string; weight: number }[];
}

/**
 * Facts for the outcome, feedback and handoff modules, in the order they happened, each with its time. They are
 * delivered once the turn is saved, so a listener that writes them never refers to a conversation not yet stored.
 */
export type EngineEvent =
  | { type: 'conversationStarted'; at: string; conversationId: string; customerId?: string; channel: string; locale: string }
  /** The customer came back after the inactivity window: the old conversation ended at `lastActivity`. */
  | { type: 'conversationExpired'; at: string; conversationId: string; lastActivity: string }
  /** The customer or the channel closed the conversation (`engine.end`). */
  | { type: 'conversationEnded'; at: string; conversationId: string; by: 'customer' | 'channel' }
  | {
    type: 'turn'; at: string; conversationId: string; customerId?: string; channel: string; locale: string;
    customerText: string; botText: string; decision: Decision; articles: UsedArticle[]; latencyMs: number;
    emotion: EmotionReading;
  }
  | { type: 'feedback'; at: string; conversationId: string; articleId: string; section: string; helpful: boolean }
  | { type: 'unanswered'; at: string; conversationId: string; text: string; locale: string; bestConfidence: number }
  | {
    type: 'handoff'; at: string; conversationId: string; customerId?: string; channel: string; locale: string;
    reason: HandoffReason; articleId?: string; emotion: EmotionReading; failures: number;
    /** The conversation as the bot has it, this turn included. */
    transcript: TurnRecord[];
  }
  /** A survey answer: a score, a comment on the last score given, or the customer skipped it. */
  | { type: 'survey'; at: string; conversationId: string; kind: 'csat' | 'ces'; score?: number; comment?: string; skipped?: true }
  /** A customer message while a person has the conversation: the bot stays quiet and passes it on. */
  | { type: 'relayed'; at: string; conversationId: string; text: string }
  /** An agent gave the conversation back to the bot (`resolved`: the agent solved it). */
  | { type: 'handedBack'; at: string; conversationId: string; agentId?: string; resolved: boolean };

/** Whether the team can answer now, and if not, when it opens (from the handoff module's business hours). */
export interface Availability { open: boolean; nextOpen?: Date; timeZone: string }

export interface TurnResult {
  conversationId: string;
  locale: string;
  decision: Decision;
  replies: Reply[];
  articles: UsedArticle[];
  events: EngineEvent[];
}

/** What the engine needs from retrieval: search, and the knowledge it searches (for titles, related articles). */
export interface KnowledgeSearch {
  search(query: string, filters?: SearchFilters, limit?: number): Promise<SearchResult>;
  readonly knowledge: KnowledgeBase;
}
