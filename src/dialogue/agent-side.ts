import { calm } from './feelings.js';
import type { Locales } from './locales.js';
import type { EngineOptions } from './options.js';
import { MAX_TURNS_KEPT } from './state.js';
import type { SurveyFlow } from './survey-flow.js';
import { Turn } from './turn.js';
import type { EngineEvent, TurnResult } from './types.js';

/** What the team's agents do to a conversation: take it, write in it, and give it back to the bot. */
export class AgentSide {
  constructor(
    private readonly options: EngineOptions,
    private readonly locales: Locales,
    private readonly survey: SurveyFlow,
    private readonly now: () => Date,
    private readonly deliver: (events: readonly EngineEvent[]) => void,
  ) {}

  /** A person of the team has taken the conversation: from now on the bot only passes messages on. */
  async joined(conversationId: string, agentId: string): Promise<void> {
    const state = await this.options.store.load(conversationId);
    if (!state?.handedOff) return;
    state.handedOff = { ...state.handedOff, status: 'assigned', agentId };
    await this.options.store.save(state);
  }

  /** What an agent wrote to the customer, kept in the conversation as theirs (the channel delivers it). */
  async said(conversationId: string, agentId: string, text: string): Promise<void> {
    const state = await this.options.store.load(conversationId);
    if (!state) return;
    state.turns = [...state.turns, { role: 'agent' as const, text, at: this.now().toISOString(), agentId }].slice(-MAX_TURNS_KEPT);
    state.updatedAt = this.now().toISOString();
    await this.options.store.save(state);
  }

  /**
   * The agent gives the conversation back (`resolved` when they solved it): the bot takes over again, with a fresh
   * count of failures and frustration, and says so to the customer. Returns what to deliver on the customer's channel.
   */
  async handBack(conversationId: string, options: { agentId?: string; resolved: boolean }): Promise<TurnResult | undefined> {
    const state = await this.options.store.load(conversationId);
    if (!state?.handedOff) return undefined;
    const catalog = this.locales.catalogFor(state.locale);
    const turn = new Turn(state, catalog, calm(), { company: this.options.company, now: this.now });
    state.handedOff = undefined;
    state.failures = 0;
    state.emotion = [];
    state.topic = undefined;
    state.pending = undefined;
    turn.emit({ type: 'handedBack', conversationId, ...(options.agentId && { agentId: options.agentId }), resolved: options.resolved });
    turn.reply({ text: catalog.backFromAgent });
    this.survey.ask(turn);
    state.turns = [...state.turns, { role: 'bot' as const, text: turn.text, at: this.now().toISOString(), decision: 'smalltalk' as const }].slice(-MAX_TURNS_KEPT);
    state.updatedAt = this.now().toISOString();
    await this.options.store.save(state);
    this.deliver(turn.events);
    return { conversationId, locale: state.locale, decision: 'smalltalk' as const, replies: turn.replies, articles: [], events: turn.events };
  }
}
