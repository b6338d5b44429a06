import type { Locales } from './locales.js';
import type { EngineOptions } from './options.js';
import type { ConversationState } from './state.js';
import type { EngineEvent, TurnInput } from './types.js';

/** Where a conversation starts, expires and ends. */
export class Conversations {
  constructor(
    private readonly options: EngineOptions,
    private readonly locales: Locales,
    private readonly now: () => Date,
    private readonly deliver: (events: readonly EngineEvent[]) => void,
  ) {}

  /** The conversation a message belongs to: the saved one, else a new one (recorded in `events`). */
  async open(input: TurnInput, events: EngineEvent[]): Promise<ConversationState> {
    const saved = await this.options.store.load(input.conversationId);
    if (saved?.handedOff && this.options.handoffOpen && !this.options.handoffOpen(saved.id)) saved.handedOff = undefined;
    const now = this.now();
    // A conversation with the team does not expire: the customer may wait there for the next opening.
    const expired = saved && !saved.handedOff && now.getTime() - Date.parse(saved.updatedAt) > this.options.inactivityMinutes * 60_000;
    if (saved && !expired && !saved.endedAt) {
      // A customer who signs in mid-conversation: from now on it is theirs (for their history and for forgetting).
      if (input.customerId && !saved.customerId) saved.customerId = input.customerId;
      return saved;
    }
    if (saved && !saved.endedAt) events.push({ type: 'conversationExpired', at: now.toISOString(), conversationId: saved.id, lastActivity: saved.updatedAt });
    const locale = this.locales.starting(input.locale);
    const state: ConversationState = {
      id: input.conversationId, ...(input.customerId && { customerId: input.customerId }), channel: input.channel, locale,
      startedAt: now.toISOString(), updatedAt: now.toISOString(), turns: [], candidates: [], tried: [], failures: 0, emotion: [],
    };
    events.push({ type: 'conversationStarted', at: now.toISOString(), conversationId: state.id, ...(input.customerId && { customerId: input.customerId }), channel: input.channel, locale });
    return state;
  }

  /** The customer or the channel closed the conversation; the next message starts a new one. */
  async end(conversationId: string, by: 'customer' | 'channel'): Promise<boolean> {
    const state = await this.options.store.load(conversationId);
    if (!state || state.endedAt) return false;
    state.endedAt = this.now().toISOString();
    await this.options.store.save(state);
    this.deliver([{ type: 'conversationEnded', at: state.endedAt, conversationId, by }]);
    return true;
  }
}
