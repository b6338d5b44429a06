import type { TurnRecord } from '../dialogue/state.js';
import type { EmotionReading, HandoffReason } from '../dialogue/types.js';
import type { HandoffSummary } from './types.js';

const MAX_QUESTIONS = 3;

const WHY: Readonly<Record<string, Record<HandoffReason, string>>> = {
  es: {
    asked: 'Pidió hablar con una persona.',
    escalate: 'Su consulta es de un tema que gestiona el equipo.',
    failures: 'Las respuestas del asistente no le resolvieron el problema ({failures} intentos).',
    frustration: 'Se le nota molesto ({reasons}).',
  },
  en: {
    asked: 'Asked to talk to a person.',
    escalate: 'Asked about a topic the team handles.',
    failures: "The assistant's answers did not solve it ({failures} attempts).",
    frustration: 'Sounds upset ({reasons}).',
  },
};

/**
 * A few lines an agent reads instead of the whole transcript, taken from it (nothing is made up): the customer's
 * questions, what the bot answered with, and why it came to a person.
 */
export function summarize(transcript: readonly TurnRecord[], reason: HandoffReason, emotion: EmotionReading, failures: number,
  locale: string, titleOf: (articleId: string) => string | undefined): HandoffSummary {
  const asked: string[] = [];
  const answered: string[] = [];
  transcript.forEach((turn, i) => {
    const reply = transcript[i + 1];
    if (turn.role === 'customer' && reply?.role === 'bot' && reply.decision !== 'smalltalk' && asked.length < MAX_QUESTIONS) asked.push(turn.text);
    if (turn.role === 'bot' && turn.decision === 'answer') {
      for (const id of turn.articleIds ?? []) answered.push(titleOf(id) ?? id);
    }
  });
  const words = WHY[locale] ?? WHY.en!;
  const reasons = emotion.reasons.slice().sort((a, b) => b.weight - a.weight).slice(0, 3).map((r) => `“${r.match}”`).join(', ');
  const why = words[reason].replace('{failures}', String(failures)).replace('{reasons}', reasons || '—');
  return { asked, answered: [...new Set(answered)], why };
}
