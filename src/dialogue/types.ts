import type { KnowledgeBase } from '../knowledge/index.js';
import type { SearchFilters, SearchResult } from '../retrieval/index.js';
import type { Reply } from './render.js';

export type Decision = 'answer' | 'clarify' | 'fallback' | 'handoff' | 'smalltalk';

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

/** Facts for the outcome, feedback and handoff modules, emitted in the order they happened. */
export type EngineEvent =
  | { type: 'conversationStarted'; conversationId: string; customerId?: string; channel: string; locale: string }
  | { type: 'conversationExpired'; conversationId: string; lastActivity: string }
  | { type: 'turn'; conversationId: string; decision: Decision; locale: string; articles: UsedArticle[]; latencyMs: number }
  | { type: 'feedback'; conversationId: string; articleId: string; section: string; helpful: boolean }
  | { type: 'unanswered'; conversationId: string; text: string; locale: string; bestConfidence: number }
  | { type: 'handoff'; conversationId: string; reason: 'asked' | 'escalate' | 'failures'; articleId?: string };

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
