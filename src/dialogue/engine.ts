import { performance } from 'node:perf_hooks';
import { AgentSide } from './agent-side.js';
import { AnswerStep } from './answer-step.js';
import { Articles } from './articles.js';
import { ConversationQueue } from './conversation-queue.js';
import { readEmotion, readingOf } from './feelings.js';
import { FollowUpReader } from './follow-up.js';
import { HandoffStep } from './handoff-step.js';
import { Conversations } from './lifecycle.js';
import { Locales } from './locales.js';
import { fill } from './messages.js';
import type { EngineOptions } from './options.js';
import type { Reply } from './render.js';
import { MessageRouter } from './router.js';
import { MAX_TURNS_KEPT } from './state.js';
import { SurveyFlow } from './survey-flow.js';
import { Turn } from './turn.js';
import type { EngineEvent, TurnInput, TurnResult } from './types.js';

export type { EmotionPolicy, EngineOptions } from './options.js';

/**
 * The conversation engine: a customer's message and conversation id in; replies, the decision and events out.
 * Every channel, the terminal chat and the evaluation call `handle` the same way.
 */
export class DialogueEngine {
  private readonly now: () => Date;
  private readonly locales: Locales;
  private readonly queue = new ConversationQueue();
  private readonly conversations: Conversations;
  private readonly router: MessageRouter;
  private readonly agents: AgentSide;

  constructor(private readonly options: EngineOptions) {
    this.locales = new Locales(options);
    this.now = options.now ?? (() => new Date());
    const deliver = (events: readonly EngineEvent[]) => this.deliver(events);
    const articles = new Articles(options.search);
    const handoff = new HandoffStep(options);
    const survey = new SurveyFlow(options);
    this.router = new MessageRouter(options, {
      articles, handoff, survey,
      followUp: new FollowUpReader(options, articles),
      answers: new AnswerStep(options, articles, handoff),
    });
    this.conversations = new Conversations(options, this.locales, this.now, deliver);
    this.agents = new AgentSide(options, this.locales, survey, this.now, deliver);
  }

  /** The welcome for a new conversation (Bot Framework's conversationUpdate), in its language. */
  welcome(locale?: string): Reply {
    const catalog = this.locales.catalogFor(this.locales.starting(locale));
    return { text: fill(catalog.welcome, { company: this.options.company }) };
  }

  /** The words renderReply needs, in a language. */
  labels(locale: string): { readMore: (link: string) => string; related: string } {
    const catalog = this.locales.catalogFor(this.locales.starting(locale));
    return { readMore: (link) => fill(catalog.readMore, { link }), related: catalog.related };
  }

  /** One customer message. Messages of one conversation are handled one at a time, in the order they came. */
  handle(input: TurnInput): Promise<TurnResult> {
    return this.queue.run(input.conversationId, () => this.handleNow(input));
  }

  private async handleNow(input: TurnInput): Promise<TurnResult> {
    const started = performance.now();
    const events: EngineEvent[] = [];
    const state = await this.conversations.open(input, events);
    const text = input.text.trim();
    state.locale = this.locales.languageOf(text, state.locale);
    const emotion = readEmotion(text, state, this.options.emotion);
    const turn = new Turn(state, this.locales.catalogFor(state.locale), emotion, { company: this.options.company, now: this.now }, events);
    const at = this.now().toISOString();
    // Kept redacted: this turn works on the message as written, later ones read it without personal data.
    state.turns.push({ role: 'customer', text: this.options.redact?.(text) ?? text, at, ...(text && { frustration: emotion.score }) });

    const decision = await this.router.route(turn, text);

    const botText = turn.text;
    if (turn.replies.length) {
      state.turns.push({
        role: 'bot', text: botText, at: this.now().toISOString(), decision,
        ...(turn.articles.length && { articleIds: turn.articles.map((a) => a.id) }),
      });
    }
    if (turn.handoff) {
      turn.emit({
        type: 'handoff', conversationId: state.id, ...(state.customerId && { customerId: state.customerId }), channel: state.channel,
        locale: state.locale, reason: turn.handoff.reason, ...(turn.handoff.articleId && { articleId: turn.handoff.articleId }),
        emotion: readingOf(emotion), failures: state.failures, transcript: structuredClone(state.turns),
      });
    }
    state.turns = state.turns.slice(-MAX_TURNS_KEPT);
    state.updatedAt = this.now().toISOString();
    turn.emit({
      type: 'turn', conversationId: state.id, ...(state.customerId && { customerId: state.customerId }), channel: state.channel,
      locale: state.locale, customerText: text, botText, decision, articles: turn.articles,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000, emotion: readingOf(emotion),
    });
    await this.options.store.save(state);
    this.deliver(events);
    return { conversationId: state.id, locale: state.locale, decision, replies: turn.replies, articles: turn.articles, events };
  }

  /**
   * A person of the team has taken the conversation: from now on the bot only passes messages on. `claim` (the
   * desk's status change) runs in the conversation's turn order, so no customer message falls between the two;
   * when it returns false nothing changes.
   */
  async agentJoined(conversationId: string, agentId: string, claim: () => boolean = () => true): Promise<boolean> {
    return this.queue.run(conversationId, async () => {
      if (!claim()) return false;
      await this.agents.joined(conversationId, agentId);
      return true;
    });
  }

  /** What an agent wrote to the customer, kept in the conversation as theirs (the channel delivers it). */
  async agentSaid(conversationId: string, agentId: string, text: string): Promise<void> {
    await this.queue.run(conversationId, () => this.agents.said(conversationId, agentId, text));
  }

  /**
   * The agent gives the conversation back (`resolved` when they solved it): the bot takes over again, with a fresh
   * count of failures and frustration, and says so to the customer. Returns what to deliver on the customer's channel.
   * `close` (the desk's status change) runs first, in turn order; when it returns false nothing changes.
   */
  async resume(conversationId: string, options: { agentId?: string; resolved: boolean; close?: () => boolean }): Promise<TurnResult | undefined> {
    return this.queue.run(conversationId, async () => {
      // The case closes in the conversation's turn order: a message cannot arrive for a case closing under it.
      if (options.close && !options.close()) return undefined;
      return this.agents.handBack(conversationId, options);
    });
  }

  /** The customer or the channel closed the conversation; the next message starts a new one. */
  async end(conversationId: string, by: 'customer' | 'channel' = 'customer'): Promise<boolean> {
    return this.queue.run(conversationId, () => this.conversations.end(conversationId, by));
  }

  /** Resolves once every conversation's work in flight has finished (for a graceful shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private deliver(events: readonly EngineEvent[]): void {
    for (const event of events) this.options.onEvent?.(event);
  }
}
