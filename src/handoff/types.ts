import type { EmotionReading, HandoffReason } from '../dialogue/types.js';
import type { TurnRecord } from '../dialogue/state.js';

export type HandoffStatus = 'waiting' | 'assigned' | 'resolved' | 'returned';

/** What an agent reads before answering: who asked what, what the bot tried, and why it escalated. */
export interface HandoffSummary {
  /** The customer's questions, in their words (the first ones that started searches). */
  asked: string[];
  /** The articles the bot answered with, by title, in order. */
  answered: string[];
  /** Why it came to a person, in one sentence in the customer's language. */
  why: string;
}

export interface HandoffMessage {
  author: 'customer' | 'agent' | 'note' | 'system';
  agentId?: string;
  text: string;
  at: string;
}

export interface Handoff {
  id: string;
  conversationId: string;
  customerId?: string;
  channel: string;
  locale: string;
  reason: HandoffReason;
  articleId?: string;
  status: HandoffStatus;
  /** 0..100 when created: frustration, topic, failed attempts; the queue adds waiting time to it. */
  priority: number;
  emotion: EmotionReading;
  summary: HandoffSummary;
  transcript: TurnRecord[];
  agentId?: string;
  createdAt: string;
  claimedAt?: string;
  closedAt?: string;
  updatedAt: string;
}

/** Where handoffs live: SQLite in production (src/store), anything with these operations in tests. */
export interface HandoffRepository {
  /** Adds a new case; returns false when the conversation already has an open one. */
  create(handoff: Handoff): boolean;
  get(id: string): Handoff | undefined;
  openFor(conversationId: string): Handoff | undefined;
  /** Open cases (waiting and assigned). */
  open(): Handoff[];
  /** A customer's cases, newest first. */
  byCustomer(customerId: string): Handoff[];
  /** Sets the status only if it is still `from` (and, when given, the case is the agent's): false if it was not. */
  transition(id: string, change: { from: readonly HandoffStatus[]; to: HandoffStatus; at: string; agentId?: string; onlyAgent?: string }): boolean;
  addMessage(id: string, message: HandoffMessage): void;
  messages(id: string): HandoffMessage[];
}
