import { scoreMessage, trend } from '../emotion/index.js';
import type { EmotionPolicy } from './options.js';
import { parseSurveyAnswer } from './survey.js';
import { MAX_TURNS_KEPT, type ConversationState } from './state.js';
import type { EmotionReading } from './types.js';

/** How the customer feels in this turn, and whether the conversation's frustration calls for a person. */
export type TurnEmotion = EmotionReading & { frustrated: boolean };

/** The frustration of this message and of the conversation so far; the score is kept in the state. */
export function readEmotion(text: string, state: ConversationState, policy: EmotionPolicy): TurnEmotion {
  // "Fatal" as a survey score rates the help; it is not the customer getting upset.
  if (!text || answersSurvey(text, state)) {
    const level = trend(state.emotion, policy.trend);
    return { score: 0, level: level.level, rising: level.rising, reasons: [], frustrated: level.frustrated };
  }
  const earlier = state.turns.filter((t) => t.role === 'customer').map((t) => t.text);
  const lexicon = policy.lexicons?.get(state.locale);
  const message = scoreMessage(text, state.locale, earlier, lexicon ? { lexicon } : {});
  state.emotion = [...state.emotion, message.score].slice(-MAX_TURNS_KEPT);
  const level = trend(state.emotion, policy.trend);
  return {
    score: message.score, level: level.level, rising: level.rising, frustrated: level.frustrated,
    reasons: message.reasons.map((r) => ({ kind: r.kind, match: r.match, weight: r.weight })),
  };
}

function answersSurvey(text: string, state: ConversationState): boolean {
  const pending = state.pending;
  if (pending?.kind !== 'survey') return false;
  const answer = parseSurveyAnswer(text, pending.step === 'comment' ? 'ces' : pending.step, state.locale);
  return !!answer && 'score' in answer;
}

/** No feeling at all: for a turn the bot starts itself, with nothing from the customer to read. */
export const calm = (): TurnEmotion => ({ score: 0, level: 0, rising: false, reasons: [], frustrated: false });

/** The reading as events carry it, without the engine's own `frustrated`. */
export const readingOf = ({ score, level, rising, reasons }: EmotionReading): EmotionReading => ({ score, level, rising, reasons });
