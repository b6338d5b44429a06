import type { EngineOptions } from './options.js';
import { parseSurveyAnswer, surveyOptions } from './survey.js';
import type { Turn } from './turn.js';
import type { Decision } from './types.js';

/** The in-chat survey: CSAT, then CES, then an optional comment. */
export class SurveyFlow {
  constructor(private readonly options: EngineOptions) {}

  /** Offers the survey (CSAT first) once per conversation, when surveys are on. */
  ask(turn: Turn): void {
    const { state, catalog } = turn;
    // Never while the customer waits for a person: the survey comes after the team's handback.
    if (!(this.options.surveys?.enabled ?? true) || state.surveyed || state.handedOff) return;
    state.surveyed = true;
    turn.reply({ text: catalog.surveyCsat, options: surveyOptions('csat', state.locale), hint: catalog.surveyHint });
    state.pending = { kind: 'survey', step: 'csat' };
  }

  /**
   * The customer's answer to a survey question: recorded, then the next question (CES after CSAT, then the optional
   * comment). Anything that is not an answer ends the survey and is handled as a new message (undefined).
   */
  answer(turn: Turn, step: 'csat' | 'ces' | 'comment', text: string): Decision | undefined {
    const { state, catalog } = turn;
    const kind = step === 'comment' ? 'ces' : step;
    const answer = parseSurveyAnswer(text, kind, state.locale, { comment: step === 'comment' });
    if (!answer) return undefined;
    if ('skip' in answer) {
      turn.emit({ type: 'survey', conversationId: state.id, kind, skipped: true });
      return thank(turn);
    }
    if (step === 'comment' || !('score' in answer)) {
      turn.emit({ type: 'survey', conversationId: state.id, kind, comment: 'comment' in answer ? answer.comment! : text });
      return thank(turn);
    }
    turn.emit({ type: 'survey', conversationId: state.id, kind, score: answer.score, ...(answer.comment && { comment: answer.comment }) });
    if (step === 'csat') {
      turn.reply({ text: catalog.surveyCes, options: surveyOptions('ces', state.locale) });
      state.pending = { kind: 'survey', step: 'ces' };
      return 'smalltalk';
    }
    if ((this.options.surveys?.comment ?? true) && !answer.comment) {
      turn.reply({ text: catalog.surveyComment });
      state.pending = { kind: 'survey', step: 'comment' };
      return 'smalltalk';
    }
    return thank(turn);
  }
}

function thank(turn: Turn): Decision {
  turn.say('surveyThanks');
  return 'smalltalk';
}
