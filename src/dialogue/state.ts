import type { Decision, HandoffReason } from './decisions.js';

export interface TurnRecord {
  /** `agent`: a person of the team, writing through the bot while they have the conversation. */
  role: 'customer' | 'bot' | 'agent';
  text: string;
  at: string;
  decision?: Decision;
  articleIds?: string[];
  /** The customer message's frustration score, 0..1. */
  frustration?: number;
  agentId?: string;
}

/** What the bot is waiting for from the customer. */
export type Pending =
  | { kind: 'clarify'; options: string[]; query: string; confidences?: number[] }
  | { kind: 'feedback'; articleId: string; anchor: string }
  /** A survey question: a score (csat, ces), or the optional comment after them. */
  | { kind: 'survey'; step: 'csat' | 'ces' | 'comment' };

/** Everything the engine remembers about one conversation; plain JSON, so any store can keep it. */
export interface ConversationState {
  id: string;
  customerId?: string;
  channel: string;
  locale: string;
  startedAt: string;
  updatedAt: string;
  turns: TurnRecord[];
  /**
   * The article the conversation is about, the sections of it already shown, and (`query`, `locale`) the customer's
   * words that led to it and their language.
   */
  topic?: { articleId: string; product?: string; shownSections: string[]; query?: string; locale?: string };
  /** Articles the last search ranked that the customer has not seen yet, best first. */
  candidates: { id: string; confidence: number }[];
  /** Articles already given as answers in this topic. */
  tried: string[];
  /** Answers in a row that found nothing or did not help. */
  failures: number;
  /** Frustration per customer message, oldest first (the emotion module fills it). */
  emotion: number[];
  pending?: Pending;
  /** Set while the conversation is with the team: `waiting` in the queue, `assigned` once a person has it. */
  handedOff?: { at: string; reason: HandoffReason; status: 'waiting' | 'assigned'; agentId?: string };
  /** Set once the survey was offered: it is never asked twice in a conversation. */
  surveyed?: boolean;
  /** Set when the customer or the channel closed it: the next message starts a new conversation. */
  endedAt?: string;
}

/** Where conversations live between turns: in memory for tests, SQLite in production. */
export interface ConversationStore {
  load(id: string): Promise<ConversationState | undefined>;
  save(state: ConversationState): Promise<void>;
}

export class MemoryConversationStore implements ConversationStore {
  private readonly states = new Map<string, string>();
  async load(id: string) {
    const json = this.states.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as ConversationState);
  }
  async save(state: ConversationState) {
    // Stored as JSON, like a real store: nobody can mutate a saved state by holding a reference to it.
    this.states.set(state.id, JSON.stringify(state));
  }
}

/** Only the last turns are kept in the state; the full transcript is the outcomes store's job. */
export const MAX_TURNS_KEPT = 40;
