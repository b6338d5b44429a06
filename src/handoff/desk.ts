import { randomUUID } from 'node:crypto';
import type { EngineEvent, TurnResult } from '../dialogue/types.js';
import { currentPriority, initialPriority, priorityLabel, type PriorityLabel } from './priority.js';
import { summarize } from './summary.js';
import type { Handoff, HandoffMessage, HandoffRepository } from './types.js';

/**
 * What the desk needs from the conversation engine: the agent's side of a conversation. Status changes are passed in
 * as callbacks so that they happen in the conversation's turn order, never between a customer message and its reply.
 */
export interface ConversationControl {
  agentJoined(conversationId: string, agentId: string, claim: () => boolean): Promise<boolean>;
  agentSaid(conversationId: string, agentId: string, text: string): Promise<void>;
  resume(conversationId: string, options: { agentId?: string; resolved: boolean; close: () => boolean }): Promise<TurnResult | undefined>;
}

/** For the agent console and the channels: what changed, as it happens. */
export type DeskEvent =
  | { type: 'handoffCreated'; handoff: QueueItem }
  | { type: 'handoffUpdated'; handoff: QueueItem }
  /** The customer wrote while their case is open: show it to the agent. */
  | { type: 'customerMessage'; handoffId: string; conversationId: string; text: string; at: string }
  /** An agent wrote to the customer: deliver it on the customer's channel. */
  | { type: 'agentMessage'; handoffId: string; conversationId: string; channel: string; agentId: string; text: string; at: string }
  /** The bot speaks again after a case closed: deliver these replies on the customer's channel. */
  | { type: 'botResumed'; handoffId: string; conversationId: string; channel: string; turn: TurnResult };

/** A case as the queue shows it: with the priority waiting has raised, its label, and minutes waited. */
export interface QueueItem extends Handoff {
  currentPriority: number;
  priorityLabel: PriorityLabel;
  waitingMinutes: number;
}

export class DeskError extends Error {
  constructor(message: string, readonly code: 'not-found' | 'conflict' | 'forbidden') {
    super(message);
  }
}

export interface DeskOptions {
  repository: HandoffRepository;
  engine: ConversationControl;
  /** Article titles for the summary. */
  titleOf?: (articleId: string) => string | undefined;
  /** Applied to every text stored (transcripts, messages): emails, phone and card numbers... */
  redact?: (text: string) => string;
  onEvent?: (event: DeskEvent) => void;
  now?: () => Date;
}

/**
 * The escalation queue and the rules of the relay: cases are created from the engine's handoff events, an agent
 * claims one (exactly one agent: the database decides races), talks to the customer through the bot, adds notes,
 * and resolves it or hands the customer back to the bot.
 */
export class HandoffDesk {
  private readonly now: () => Date;
  private readonly redact: (text: string) => string;

  constructor(private readonly options: DeskOptions) {
    this.now = options.now ?? (() => new Date());
    this.redact = options.redact ?? ((text) => text);
  }

  /** Feed it every engine event (it picks handoffs and relayed messages). */
  onEngineEvent(event: EngineEvent): void {
    if (event.type === 'handoff') this.open(event);
    else if (event.type === 'relayed') this.relayFromCustomer(event.conversationId, event.text, event.at);
    else if (event.type === 'conversationEnded' || event.type === 'conversationExpired') this.customerLeft(event.conversationId, event.at);
  }

  /** The customer closed the chat while their case is open: the agent needs to know before writing into the void. */
  private customerLeft(conversationId: string, at: string): void {
    const handoff = this.options.repository.openFor(conversationId);
    if (!handoff) return;
    this.options.repository.addMessage(handoff.id, { author: 'system', text: 'the customer ended the conversation', at });
    this.updated(handoff.id);
  }

  /** Open cases, most urgent first (priority raised by waiting, then the oldest). */
  queue(): QueueItem[] {
    return this.options.repository.open().map((h) => this.item(h))
      .sort((a, b) => b.currentPriority - a.currentPriority || a.createdAt.localeCompare(b.createdAt));
  }

  /** One case with everything said while it was open, and the customer's earlier cases. */
  get(id: string): { handoff: QueueItem; messages: HandoffMessage[]; earlier: Handoff[] } {
    const handoff = this.find(id);
    const earlier = handoff.customerId ? this.options.repository.byCustomer(handoff.customerId).filter((h) => h.id !== id) : [];
    return { handoff: this.item(handoff), messages: this.options.repository.messages(id), earlier };
  }

  async claim(id: string, agentId: string): Promise<QueueItem> {
    const handoff = this.find(id);
    const claimed = await this.options.engine.agentJoined(handoff.conversationId, agentId,
      () => this.options.repository.transition(id, { from: ['waiting'], to: 'assigned', at: this.stamp(), agentId }));
    if (!claimed) {
      const now = this.find(id);
      throw new DeskError(now.status === 'assigned' ? `case ${id} is already taken by ${now.agentId}` : `case ${id} is ${now.status}`, 'conflict');
    }
    this.system(id, `claimed by ${agentId}`);
    return this.updated(id);
  }

  /** The agent's message to the customer; delivered on their channel by whoever listens for `agentMessage`. */
  async reply(id: string, agentId: string, text: string): Promise<void> {
    const handoff = this.mine(id, agentId);
    const at = this.stamp();
    const clean = this.redact(text.trim());
    this.options.repository.addMessage(id, { author: 'agent', agentId, text: clean, at });
    await this.options.engine.agentSaid(handoff.conversationId, agentId, clean);
    this.options.onEvent?.({ type: 'agentMessage', handoffId: id, conversationId: handoff.conversationId, channel: handoff.channel, agentId, text: text.trim(), at });
  }

  /** An internal note: for agents only, never sent to the customer. */
  note(id: string, agentId: string, text: string): void {
    this.find(id);
    this.options.repository.addMessage(id, { author: 'note', agentId, text: this.redact(text.trim()), at: this.stamp() });
    this.updated(id);
  }

  /** The agent solved it: the case closes and the bot takes the conversation back. */
  resolve(id: string, agentId: string): Promise<QueueItem> {
    return this.close(id, agentId, 'resolved');
  }

  /** The agent hands the customer back to the bot without closing it as solved by them. */
  handBack(id: string, agentId: string): Promise<QueueItem> {
    return this.close(id, agentId, 'returned');
  }

  private async close(id: string, agentId: string, to: 'resolved' | 'returned'): Promise<QueueItem> {
    const handoff = this.find(id);
    // A waiting case can be closed too (solved by phone, say); an assigned one only by its agent.
    const from = handoff.status === 'waiting' ? ['waiting'] as const : ['assigned'] as const;
    const onlyAgent = handoff.status === 'assigned' ? agentId : undefined;
    let closed = false;
    const turn = await this.options.engine.resume(handoff.conversationId, {
      agentId, resolved: to === 'resolved',
      close: () => (closed = this.options.repository.transition(id, { from, to, at: this.stamp(), agentId, ...(onlyAgent && { onlyAgent }) })),
    });
    if (!closed) {
      const now = this.find(id);
      if (now.status === 'assigned' && now.agentId !== agentId) throw new DeskError(`case ${id} belongs to ${now.agentId}`, 'forbidden');
      throw new DeskError(`case ${id} is ${now.status}`, 'conflict');
    }
    this.system(id, `${to} by ${agentId}`);
    if (turn) this.options.onEvent?.({ type: 'botResumed', handoffId: id, conversationId: handoff.conversationId, channel: handoff.channel, turn });
    return this.updated(id);
  }

  private open(event: Extract<EngineEvent, { type: 'handoff' }>): void {
    const titleOf = this.options.titleOf ?? (() => undefined);
    const transcript = event.transcript.map((t) => ({ ...t, text: this.redact(t.text) }));
    const handoff: Handoff = {
      id: randomUUID(), conversationId: event.conversationId, ...(event.customerId && { customerId: event.customerId }),
      channel: event.channel, locale: event.locale, reason: event.reason, ...(event.articleId && { articleId: event.articleId }),
      status: 'waiting', priority: initialPriority(event.reason, event.emotion, event.failures),
      emotion: { ...event.emotion, reasons: event.emotion.reasons.map((r) => ({ ...r, match: this.redact(r.match) })) },
      summary: summarize(transcript, event.reason, event.emotion, event.failures, event.locale, titleOf),
      transcript, createdAt: event.at, updatedAt: event.at,
    };
    if (!this.options.repository.create(handoff)) return; // already in the queue
    this.options.onEvent?.({ type: 'handoffCreated', handoff: this.item(handoff) });
  }

  private relayFromCustomer(conversationId: string, text: string, at: string): void {
    const handoff = this.options.repository.openFor(conversationId);
    if (!handoff) return;
    const clean = this.redact(text);
    this.options.repository.addMessage(handoff.id, { author: 'customer', text: clean, at });
    this.options.onEvent?.({ type: 'customerMessage', handoffId: handoff.id, conversationId, text: clean, at });
  }

  private system(id: string, text: string): void {
    this.options.repository.addMessage(id, { author: 'system', text, at: this.stamp() });
  }

  private mine(id: string, agentId: string): Handoff {
    const handoff = this.find(id);
    if (handoff.status !== 'assigned') throw new DeskError(`case ${id} is ${handoff.status}; claim it first`, 'conflict');
    if (handoff.agentId !== agentId) throw new DeskError(`case ${id} belongs to ${handoff.agentId}`, 'forbidden');
    return handoff;
  }

  private find(id: string): Handoff {
    const handoff = this.options.repository.get(id);
    if (!handoff) throw new DeskError(`no case ${id}`, 'not-found');
    return handoff;
  }

  private updated(id: string): QueueItem {
    const item = this.item(this.find(id));
    this.options.onEvent?.({ type: 'handoffUpdated', handoff: item });
    return item;
  }

  private item(handoff: Handoff): QueueItem {
    const now = this.now();
    const priority = handoff.status === 'waiting' ? currentPriority(handoff.priority, handoff.createdAt, now) : handoff.priority;
    const until = handoff.claimedAt ?? handoff.closedAt;
    const waited = ((until ? Date.parse(until) : now.getTime()) - Date.parse(handoff.createdAt)) / 60_000;
    return { ...handoff, currentPriority: priority, priorityLabel: priorityLabel(priority), waitingMinutes: Math.max(0, Math.round(waited)) };
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}
