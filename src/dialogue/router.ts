import type { Article } from '../knowledge/index.js';
import type { AnswerStep } from './answer-step.js';
import type { Articles } from './articles.js';
import type { FollowUpReader } from './follow-up.js';
import type { HandoffStep } from './handoff-step.js';
import type { EngineOptions } from './options.js';
import { matchPhrases, pickOption, type PhraseMatch } from './phrases.js';
import { decideFromHits } from './policy.js';
import type { SurveyFlow } from './survey-flow.js';
import type { Turn } from './turn.js';
import type { Decision, HandoffReason } from './types.js';

/** The steps a customer message can take, and the knowledge they look articles up in. */
export interface Steps {
  articles: Articles;
  followUp: FollowUpReader;
  answers: AnswerStep;
  handoff: HandoffStep;
  survey: SurveyFlow;
}

/** Sends a customer message to the step that handles it: the survey, a person, an answer, smalltalk or a search. */
export class MessageRouter {
  constructor(private readonly options: EngineOptions, private readonly steps: Steps) {}

  async route(turn: Turn, text: string): Promise<Decision> {
    return turn.state.handedOff?.status === 'assigned' ? this.relay(turn, text) : await this.decide(turn, text);
  }

  /** While a person has the conversation the bot says nothing: the message goes to them. */
  private relay(turn: Turn, text: string): Decision {
    if (text) turn.emit({ type: 'relayed', conversationId: turn.state.id, text });
    return 'handoff';
  }

  private async decide(turn: Turn, text: string): Promise<Decision> {
    const { state } = turn;
    const { answers, handoff, survey } = this.steps;
    if (!text) {
      turn.say('emptyMessage');
      return 'smalltalk';
    }
    const phrases = matchPhrases(text, state.locale);
    const pending = state.pending;
    state.pending = undefined;
    // Waiting for the team: whatever the bot does with the message, the person who takes the case sees it.
    if (state.handedOff) turn.emit({ type: 'relayed', conversationId: state.id, text });

    if (pending?.kind === 'survey') {
      const surveyed = survey.answer(turn, pending.step, text);
      if (surveyed) return surveyed;
    }
    // An upset "no" to "¿Te sirvió?" is still an answer about the article, whatever happens next.
    if (pending?.kind === 'feedback' && (phrases.no || phrases.notHelpful)) {
      turn.emit({ type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: false });
    }
    if (phrases.human || turn.emotion.reasons.some((r) => r.kind === 'askedForPerson')) return handoff.handOff(turn, 'asked');
    // Frustration hands off when this message adds to it: a calm "ok, ¿y cuánto cuesta?" after an outburst is
    // answered, and so is "ya funciona, gracias".
    // "That didn't help" is counted as a failure already; as frustration it needs more than the words themselves.
    const { mildLevel, handoffLevel } = this.options.emotion;
    const upsetNow = turn.emotion.score >= (phrases.notHelpful ? handoffLevel : mildLevel) && !phrases.resolved && !phrases.yes;
    if (turn.emotion.frustrated && upsetNow && !state.handedOff) return handoff.handOff(turn, 'frustration');

    if (pending?.kind === 'clarify') {
      const options = pending.options.map((id) => this.steps.articles.get(id)).filter((a): a is Article => !!a);
      const picked = pickOption(phrases.rest || text, options, state.locale);
      if (picked !== undefined) {
        // Picked in another language ("the second one please"): answered from the article's translation.
        const article = this.steps.articles.inLocale(options[picked]!, state.locale);
        return answers.answer(turn, article, pending.query, pending.confidences?.[picked] ?? this.options.thresholds.answer);
      }
    }

    if (pending?.kind === 'feedback' && (phrases.yes || phrases.no) && !phrases.rest) {
      if (phrases.yes) turn.emit({ type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: true });
      if (phrases.yes) {
        state.failures = 0;
        turn.say('helpfulThanks');
        survey.ask(turn);
        return 'smalltalk';
      }
      return answers.nextCandidate(turn, '');
    }
    if (phrases.notHelpful && (pending?.kind === 'feedback' || state.topic || !substantive(phrases))) {
      return answers.nextCandidate(turn, substantive(phrases) ? phrases.rest : '');
    }
    // "That didn't help" after options or a fallback is a failure too; what they add is searched, as a complaint.
    if (phrases.notHelpful) {
      state.failures++;
      if (state.failures >= this.options.handoff.afterFailures) return handoff.handOff(turn, 'failures');
      turn.complaint = true;
    }

    if (phrases.resolved && (pending || state.topic)) {
      // "Ya funciona, gracias": the last answer did it (whatever else they tell about how).
      if (pending?.kind === 'feedback') {
        turn.emit({ type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: true });
      }
      state.failures = 0;
      turn.say('helpfulThanks');
      if (!phrases.rest.includes('?')) {
        survey.ask(turn);
        return 'smalltalk';
      }
    }

    if (phrases.smalltalk && !substantive(phrases)) {
      turn.say(phrases.smalltalk);
      // Leaving after an answer ("gracias, adiós"): the moment to ask how it went.
      if ((phrases.smalltalk === 'goodbye' || phrases.smalltalk === 'thanks') && state.turns.some((t) => t.decision === 'answer')) survey.ask(turn);
      return 'smalltalk';
    }
    const query = phrases.rest || text;
    if (phrases.smalltalk === 'greeting') turn.reply({ text: turn.catalog.hello });
    return this.searchAndDecide(turn, query);
  }

  private async searchAndDecide(turn: Turn, query: string): Promise<Decision> {
    const { state } = turn;
    const { answers, handoff } = this.steps;
    const alone = await this.options.search.search(query, { locale: state.locale });
    if (state.handedOff) {
      // Waiting for the team: a new question with a clear answer is answered meanwhile; anything else is for the
      // person who will take the case (it was passed on to them already).
      const own = decideFromHits(alone.hits, this.options.thresholds);
      if (own.decision === 'answer' && !own.hit.article.escalate) return answers.answer(turn, own.hit.article, query, own.hit.confidence, own.hit);
      return handoff.handOff(turn, state.handedOff.reason);
    }
    const { result, stay, context } = state.topic ? await this.steps.followUp.read(state, query, alone) : { result: alone };
    if (stay) {
      answers.rememberCandidates(state, result.hits);
      if (!turn.complaint) state.failures = 0;
      return answers.answer(turn, stay.article, query, stay.confidence, stay, context);
    }
    return answers.decideOn(turn, query, result, context);
  }
}

/** Whether a message carries a question beyond its pleasantries. */
const substantive = (phrases: PhraseMatch) => phrases.rest.replace(/[^\p{L}\p{N}]+/gu, '').length > 0;
