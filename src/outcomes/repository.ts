import type { SurveyKind } from '../dialogue/survey.js';
import type { Decision } from '../dialogue/types.js';
import type { HandoffStatus } from '../handoff/types.js';
import type { LastStep, OutcomeName } from './rules.js';

/**
 * What the outcome code needs from a database: the recorder writes through {@link OutcomeWriter}, the report, the
 * daily series and the agent console read through {@link OutcomeReader}. src/store/outcomes.ts keeps them in SQLite;
 * the rules (which outcome, when it is final, how figures are rounded) stay in this folder.
 *
 * Timestamps are UTC ISO strings with milliseconds (the recorder writes them so), compared as text.
 */

export type EndReason = 'ended' | 'expired' | 'idle' | 'agent_resolved' | 'restarted';

/**
 * One conversation as the customer lived it: a conversation id that comes back after the inactivity window (or after
 * it was ended) is a new record. It keeps the facts its outcome is decided from; `endedAt` is null while it is open.
 */
export interface OutcomeRecord {
  id: number;
  conversationId: string;
  channel: string;
  locale: string;
  startedAt: string;
  lastActivityAt: string;
  outcome: OutcomeName;
  resolvedAt: string | null;
  endedAt: string | null;
  endReason: EndReason | null;
  turns: number;
  answers: number;
  lastStep: LastStep;
  lastStepAt: string | null;
  handedOffAt: string | null;
  handedBackAt: string | null;
  agentResolved: boolean;
  peakFrustration: number;
}

/** The latest case of the team for a conversation, as the handoff desk keeps it. */
export interface HandoffCase {
  status: HandoffStatus;
  createdAt: string;
  closedAt: string | null;
  updatedAt: string;
}

export interface TurnFacts {
  outcomeId: number;
  conversationId: string;
  at: string;
  locale: string;
  decision: Decision;
  articleId: string | null;
  section: string | null;
  confidence: number | null;
  frustration: number;
  frustrationLevel: number;
  latencyMs: number;
  customerText: string;
  botText: string;
}

export interface FeedbackFacts {
  outcomeId: number;
  conversationId: string;
  at: string;
  articleId: string;
  section: string;
  helpful: boolean;
}

/** A question the bot could not answer (`unanswered`) or only answered with options it was unsure of. */
export interface QuestionFacts {
  outcomeId: number;
  conversationId: string;
  turnId: number | null;
  at: string;
  kind: 'unanswered' | 'low_confidence';
  text: string;
  locale: string;
  bestConfidence: number;
  articleId: string | null;
}

/** One survey of one conversation: a later answer or comment to the same survey replaces it. */
export interface SurveyFacts {
  outcomeId: number;
  conversationId: string;
  kind: SurveyKind;
  at: string;
  score: number | null;
  comment: string | null;
  skipped: boolean;
}

export interface OutcomeStart { conversationId: string; channel: string; locale: string; at: string }
export interface UnansweredTurn { outcomeId: number; turnId: number; articleId: string | null }

/** The write side, for the recorder. */
export interface OutcomeWriter {
  /**
   * Runs `work` in one transaction that takes the write lock before it reads anything, so that a second process
   * cannot make it fail halfway; all of it is stored, or (when `work` throws) none of it.
   */
  atomically<T>(work: () => T): T;

  outcome(id: number): OutcomeRecord | undefined;
  /** The latest record of a conversation id, ended or not. */
  latestOutcome(conversationId: string): OutcomeRecord | undefined;
  /** The record of a conversation id that has not ended (there is at most one). */
  openOutcome(conversationId: string): OutcomeRecord | undefined;
  /** The ids of every record that has not ended, oldest first. */
  openOutcomeIds(): number[];
  /** A new open record started at `at` (and last active then), `abandoned` until decided. */
  startOutcome(start: OutcomeStart): OutcomeRecord;
  saveOutcome(record: OutcomeRecord): void;

  /** How the engine stored the conversation: where and when it started. */
  conversationStart(conversationId: string): Pick<OutcomeRecord, 'channel' | 'locale' | 'startedAt'> | undefined;
  /** The engine's last activity of the conversation, if the stored one started no later than `startedBy`. */
  conversationActivity(conversationId: string, startedBy: string): string | undefined;
  /** The team's latest case for the conversation created at or after `since`. */
  latestHandoff(conversationId: string, since: string): HandoffCase | undefined;

  /** Stores a turn; returns its id. */
  addTurn(turn: TurnFacts): number;
  addFeedback(feedback: FeedbackFacts): void;
  addQuestion(question: QuestionFacts): void;
  /**
   * The unanswered event comes before its turn's: the turn adds itself to the record's unanswered questions that
   * have no turn yet, and its best article to those that have none.
   */
  attachUnanswered(link: UnansweredTurn): void;
  survey(outcomeId: number, kind: SurveyKind): Pick<SurveyFacts, 'score' | 'comment'> | undefined;
  saveSurvey(survey: SurveyFacts): void;
}

/** Conversations started at or after `from` and before `to`; null leaves that side open. */
export interface StartedBetween {
  from: string | null;
  to: string | null;
}

export interface OutcomeSummary extends Pick<OutcomeRecord, 'outcome' | 'startedAt' | 'resolvedAt' | 'peakFrustration'> {
  ended: boolean;
  /** Handed to the team at some point: by the recorder's events, or a case of the team created while it lasted. */
  handedOff: boolean;
}

/** One of a customer's earlier conversations, for the agent console. */
export interface ConversationHistoryItem extends Pick<OutcomeRecord,
  'conversationId' | 'channel' | 'locale' | 'startedAt' | 'lastActivityAt' | 'outcome' | 'turns' | 'peakFrustration'> {
  ended: boolean;
  /** The first thing the customer asked (small talk only when there was nothing else). */
  firstQuestion: string | null;
  /** Handed to the team by the recorder's events. */
  handedOff: boolean;
}

export interface SurveyAnswer { score: number | null; skipped: boolean }
/** How many answers showed an article, per section (null when the answer named none). */
export interface ArticleViews { articleId: string; section: string | null; views: number }
/** "¿Te sirvió?" answers on an article's section. */
export interface ArticleFeedback { articleId: string; section: string; helpful: number; notHelpful: number }
export interface RecordedQuestion { text: string; locale: string; bestConfidence: number; bestArticleId: string | null }
/** The scores given to a survey by the conversations started on a UTC day (YYYY-MM-DD): how many, their mean. */
export interface DaySurveys { day: string; kind: SurveyKind; n: number; mean: number }

export interface HistoryQuery {
  customerId: string | null;
  conversationId: string;
  /** Left out: the conversation current at this time (the latest of `conversationId` started by then). */
  currentAt: string;
  limit: number;
}

/** The read side, for the report, the daily series and the agent console. A period selects the conversations started in it. */
export interface OutcomeReader {
  outcomesStarted(period: StartedBetween): OutcomeSummary[];
  /** The latency of every turn. */
  turnLatencies(period: StartedBetween): number[];
  surveyAnswers(period: StartedBetween, kind: SurveyKind): SurveyAnswer[];
  articleViews(period: StartedBetween): ArticleViews[];
  articleFeedback(period: StartedBetween): ArticleFeedback[];
  /** The unanswered and low-confidence questions, oldest first. */
  questions(period: StartedBetween): RecordedQuestion[];
  surveysByDay(period: StartedBetween): DaySurveys[];
  /** A customer's conversations, and the earlier ones under the same conversation id, newest first. */
  earlierConversations(query: HistoryQuery): ConversationHistoryItem[];
}
