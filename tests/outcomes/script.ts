import path from 'node:path';
import type { Decision, EngineEvent, UsedArticle } from '../../src/dialogue/types.js';
import type { ConversationState } from '../../src/dialogue/state.js';
import { createOutcomeRecorder, type OutcomeRecorder, type OutcomeRecorderOptions } from '../../src/outcomes/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { tempTree } from '../helpers.js';

type Event = EngineEvent extends infer E ? (E extends unknown ? Omit<E, 'at'> : never) : never;

/** A store in a temporary folder and a recorder on it, as the server composes them. */
export function recordedStore(options: Partial<OutcomeRecorderOptions> = {}, dataDir = path.join(tempTree({}), 'data')) {
  const store = openStore({ dataDir });
  const recorder = createOutcomeRecorder(store.outcomes, {
    inactivityMinutes: 30,
    // Tests want to see a failed write, not a line on standard error.
    onError: (error) => { throw error; },
    ...options,
  });
  return { store, recorder, dataDir };
}

export interface TurnOptions {
  locale?: string;
  /** The conversation's frustration after this message (the emotion reading's level); the score is the same. */
  level?: number;
  botText?: string;
}

/**
 * A conversation told as the engine would tell it: each step saves the conversation state (as the engine does,
 * before delivering) and hands the step's events to the recorder. Every step happens one minute after the previous
 * one unless `wait` says otherwise.
 */
export function conversation(store: Store, recorder: OutcomeRecorder, id: string, { at, locale = 'es', customerId = `customer-${id}` }: { at: string; locale?: string; customerId?: string }) {
  let now = Date.parse(at);
  const iso = () => new Date(now).toISOString();
  const state: ConversationState = {
    id, customerId, channel: 'test', locale, startedAt: iso(), updatedAt: iso(), turns: [], candidates: [], tried: [], failures: 0, emotion: [],
  };
  let shown: UsedArticle | undefined;

  const deliver = async (events: Event[], { tick = true } = {}) => {
    if (tick) now += 60_000;
    state.updatedAt = iso();
    await store.conversations.save(state);
    for (const event of events) recorder.onEvent({ ...event, at: iso() } as EngineEvent);
  };
  const turn = (customerText: string, decision: Decision, articles: UsedArticle[], options: TurnOptions = {}): Event => {
    const level = options.level ?? 0;
    if (options.locale) state.locale = options.locale;
    return {
      type: 'turn', conversationId: id, customerId, channel: 'test', locale: state.locale, customerText,
      botText: options.botText ?? `(${decision})`, decision, articles, latencyMs: 10,
      emotion: { score: level, level, rising: false, reasons: [] },
    };
  };

  const steps = {
    start: () => deliver([{ type: 'conversationStarted', conversationId: id, customerId, channel: 'test', locale }], { tick: false }),
    wait(minutes: number) {
      now += minutes * 60_000;
      return steps;
    },
    answer(text: string, article: string, section: string, confidence: number, options?: TurnOptions) {
      shown = { id: article, title: article, confidence, section };
      return deliver([turn(text, 'answer', [shown], options)]);
    },
    clarify(text: string, options: [string, number][], turnOptions?: TurnOptions) {
      return deliver([turn(text, 'clarify', options.map(([a, confidence]) => ({ id: a, title: a, confidence })), turnOptions)]);
    },
    fallback(text: string, bestConfidence: number, options?: TurnOptions) {
      return deliver([
        { type: 'unanswered', conversationId: id, text, locale: options?.locale ?? state.locale, bestConfidence },
        turn(text, 'fallback', [], options),
      ]);
    },
    smalltalk: (text: string, options?: TurnOptions) => deliver([turn(text, 'smalltalk', [], options)]),
    /** "¿Te sirvió?" answered about the last answer. */
    feedback(helpful: boolean, options?: TurnOptions) {
      return deliver([
        { type: 'feedback', conversationId: id, articleId: shown!.id, section: shown!.section!, helpful },
        turn(helpful ? 'sí' : 'no', 'smalltalk', [], options),
      ]);
    },
    handoff(text: string, reason: 'asked' | 'escalate' | 'failures' | 'frustration', options: TurnOptions & { articles?: UsedArticle[] } = {}) {
      const level = options.level ?? 0;
      return deliver([
        {
          type: 'handoff', conversationId: id, customerId, channel: 'test', locale: state.locale, reason, failures: 0,
          emotion: { score: level, level, rising: false, reasons: [] }, transcript: [],
        },
        turn(text, 'handoff', options.articles ?? [], options),
      ]);
    },
    handedBack: (resolved: boolean) => deliver([{ type: 'handedBack', conversationId: id, agentId: 'agent-1', resolved }]),
    survey: (kind: 'csat' | 'ces', answer: { score: number } | { skipped: true } | { comment: string }) =>
      deliver([{ type: 'survey', conversationId: id, kind, ...answer }]),
    end: (by: 'customer' | 'channel' = 'customer') => deliver([{ type: 'conversationEnded', conversationId: id, by }]),
    /** The customer comes back after the inactivity window: the old conversation expires, a new one starts. */
    returnAfter(minutes: number) {
      const lastActivity = state.updatedAt;
      now += minutes * 60_000;
      state.startedAt = iso();
      return deliver([
        { type: 'conversationExpired', conversationId: id, lastActivity },
        { type: 'conversationStarted', conversationId: id, customerId, channel: 'test', locale },
      ], { tick: false });
    },
    get now() { return new Date(now); },
  };
  return steps;
}
