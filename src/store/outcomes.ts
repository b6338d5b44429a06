import type { Database } from 'better-sqlite3';
import type { SurveyKind } from '../dialogue/survey.js';
import type {
  ArticleFeedback, ArticleViews, ConversationHistoryItem, DaySurveys, FeedbackFacts, HandoffCase, HistoryQuery, OutcomeReader,
  OutcomeRecord, OutcomeStart, OutcomeSummary, OutcomeWriter, QuestionFacts, RecordedQuestion, StartedBetween, SurveyAnswer,
  SurveyFacts, TurnFacts, UnansweredTurn,
} from '../outcomes/repository.js';

/** SQLite has no booleans: it stores and answers 0 or 1, which {@link asBooleans} turns into false and true. */
type Bit = 0 | 1;
type Stored<T, K extends keyof T> = Omit<T, K> & Record<K, Bit>;
type OutcomeRow = Stored<OutcomeRecord, 'agentResolved'>;
type Range = { from: string; to: string };

/**
 * Outcomes, turns, feedback, surveys and unanswered questions in their tables (migration 3), for the recorder, the
 * report, the daily series and the agent console.
 */
export class SqliteOutcomeRepository implements OutcomeWriter, OutcomeReader {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly db: Database) {
    this.statements = prepare(db);
  }

  atomically<T>(work: () => T): T {
    // IMMEDIATE: take the write lock first, so that a second process cannot make this transaction fail halfway.
    return this.db.transaction(work).immediate();
  }

  outcome(id: number): OutcomeRecord | undefined {
    return fromRow(this.statements.outcomeById.get(id));
  }

  latestOutcome(conversationId: string): OutcomeRecord | undefined {
    return fromRow(this.statements.latestOutcome.get(conversationId));
  }

  openOutcome(conversationId: string): OutcomeRecord | undefined {
    return fromRow(this.statements.openOutcome.get(conversationId));
  }

  openOutcomeIds(): number[] {
    return this.statements.openOutcomeIds.all().map((r) => r.id);
  }

  startOutcome(start: OutcomeStart): OutcomeRecord {
    return this.outcome(Number(this.statements.insertOutcome.run(start).lastInsertRowid))!;
  }

  saveOutcome(record: OutcomeRecord): void {
    this.statements.updateOutcome.run({ ...record, agentResolved: record.agentResolved ? 1 : 0 });
  }

  conversationStart(conversationId: string): Pick<OutcomeRecord, 'channel' | 'locale' | 'startedAt'> | undefined {
    return this.statements.conversation.get(conversationId);
  }

  conversationActivity(conversationId: string, startedBy: string): string | undefined {
    return this.statements.conversationActivity.get(conversationId, startedBy)?.updatedAt;
  }

  latestHandoff(conversationId: string, since: string): HandoffCase | undefined {
    return this.statements.latestHandoff.get(conversationId, since);
  }

  addTurn(turn: TurnFacts): number {
    return Number(this.statements.insertTurn.run(turn).lastInsertRowid);
  }

  addFeedback(feedback: FeedbackFacts): void {
    this.statements.insertFeedback.run({ ...feedback, helpful: feedback.helpful ? 1 : 0 });
  }

  addQuestion(question: QuestionFacts): void {
    this.statements.insertQuestion.run(question);
  }

  attachUnanswered(link: UnansweredTurn): void {
    this.statements.attachUnanswered.run(link);
  }

  survey(outcomeId: number, kind: SurveyKind): Pick<SurveyFacts, 'score' | 'comment'> | undefined {
    return this.statements.survey.get(outcomeId, kind);
  }

  saveSurvey(survey: SurveyFacts): void {
    this.statements.upsertSurvey.run({ ...survey, skipped: survey.skipped ? 1 : 0 });
  }

  outcomesStarted(period: StartedBetween): OutcomeSummary[] {
    return this.statements.outcomesStarted.all(range(period)).map((r) => asBooleans(r, 'ended', 'handedOff'));
  }

  turnLatencies(period: StartedBetween): number[] {
    return this.statements.latencies.all(range(period)).map((r) => r.latencyMs);
  }

  surveyAnswers(period: StartedBetween, kind: SurveyKind): SurveyAnswer[] {
    return this.statements.surveys.all({ ...range(period), kind }).map((r) => asBooleans(r, 'skipped'));
  }

  articleViews(period: StartedBetween): ArticleViews[] {
    return this.statements.views.all(range(period));
  }

  articleFeedback(period: StartedBetween): ArticleFeedback[] {
    return this.statements.feedback.all(range(period));
  }

  questions(period: StartedBetween): RecordedQuestion[] {
    return this.statements.questions.all(range(period));
  }

  surveysByDay(period: StartedBetween): DaySurveys[] {
    return this.statements.surveysByDay.all(range(period));
  }

  earlierConversations(query: HistoryQuery): ConversationHistoryItem[] {
    const current = this.statements.currentOutcome.get({ conversation: query.conversationId, at: query.currentAt });
    return this.statements.history
      .all({ customer: query.customerId, conversation: query.conversationId, current: current?.id ?? -1, limit: query.limit })
      .map((r) => asBooleans(r, 'ended', 'handedOff'));
  }
}

/** Open sides become bounds every timestamp is within, so one statement serves every period. */
const range = (period: StartedBetween): Range => ({ from: period.from ?? '', to: period.to ?? '\uffff' });

function asBooleans<R extends Record<K, Bit>, K extends keyof R>(row: R, ...keys: K[]): Omit<R, K> & Record<K, boolean> {
  const out: Record<keyof R, unknown> = { ...row };
  for (const key of keys) out[key] = row[key] === 1;
  return out as Omit<R, K> & Record<K, boolean>;
}

function fromRow(row: OutcomeRow | undefined): OutcomeRecord | undefined {
  return row && asBooleans(row, 'agentResolved');
}

const OUTCOME_COLUMNS = `id, conversation_id AS conversationId, channel, locale, started_at AS startedAt,
  last_activity_at AS lastActivityAt, outcome, resolved_at AS resolvedAt, ended_at AS endedAt, end_reason AS endReason, turns,
  answers, last_step AS lastStep, last_step_at AS lastStepAt, handed_off_at AS handedOffAt, handed_back_at AS handedBackAt,
  agent_resolved AS agentResolved, peak_frustration AS peakFrustration`;

/** The outcome `o` was handed to the team: by the recorder's events, or a case of the team created while it lasted. */
const HANDED_OFF = `o.handed_off_at IS NOT NULL OR EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = o.conversation_id
  AND h.created_at >= o.started_at AND (o.ended_at IS NULL OR h.created_at <= o.ended_at))`;

const IN_PERIOD = 'SELECT id FROM outcomes WHERE started_at >= @from AND started_at < @to';

function prepare(db: Database) {
  return {
    outcomeById: db.prepare<[number], OutcomeRow>(`SELECT ${OUTCOME_COLUMNS} FROM outcomes WHERE id = ?`),
    latestOutcome: db.prepare<[string], OutcomeRow>(`SELECT ${OUTCOME_COLUMNS} FROM outcomes WHERE conversation_id = ? ORDER BY id DESC LIMIT 1`),
    openOutcome: db.prepare<[string], OutcomeRow>(`SELECT ${OUTCOME_COLUMNS} FROM outcomes WHERE conversation_id = ? AND ended_at IS NULL`),
    openOutcomeIds: db.prepare<[], { id: number }>('SELECT id FROM outcomes WHERE ended_at IS NULL ORDER BY id'),
    conversation: db.prepare<[string], Pick<OutcomeRecord, 'channel' | 'locale' | 'startedAt'>>(
      'SELECT channel, locale, started_at AS startedAt FROM conversations WHERE id = ?'),
    conversationActivity: db.prepare<[string, string], { updatedAt: string }>(
      'SELECT updated_at AS updatedAt FROM conversations WHERE id = ? AND started_at <= ?'),
    insertOutcome: db.prepare<[OutcomeStart]>(`
      INSERT INTO outcomes (conversation_id, channel, locale, started_at, last_activity_at, outcome)
      VALUES (@conversationId, @channel, @locale, @at, @at, 'abandoned')`),
    updateOutcome: db.prepare<[OutcomeRow]>(`
      UPDATE outcomes SET locale = @locale, last_activity_at = @lastActivityAt, outcome = @outcome,
        resolved_at = @resolvedAt, ended_at = @endedAt, end_reason = @endReason, turns = @turns, answers = @answers,
        last_step = @lastStep, last_step_at = @lastStepAt, handed_off_at = @handedOffAt,
        handed_back_at = @handedBackAt, agent_resolved = @agentResolved, peak_frustration = @peakFrustration
      WHERE id = @id`),
    latestHandoff: db.prepare<[string, string], HandoffCase>(`
      SELECT status, created_at AS createdAt, closed_at AS closedAt, updated_at AS updatedAt FROM handoffs
      WHERE conversation_id = ? AND created_at >= ? ORDER BY created_at DESC, rowid DESC LIMIT 1`),
    insertTurn: db.prepare<[TurnFacts]>(`
      INSERT INTO turns (outcome_id, conversation_id, at, locale, decision, article_id, section, confidence, frustration,
        frustration_level, latency_ms, customer_text, bot_text)
      VALUES (@outcomeId, @conversationId, @at, @locale, @decision, @articleId, @section, @confidence, @frustration,
        @frustrationLevel, @latencyMs, @customerText, @botText)`),
    insertFeedback: db.prepare<[Stored<FeedbackFacts, 'helpful'>]>(`
      INSERT INTO feedback (outcome_id, conversation_id, at, article_id, section, helpful)
      VALUES (@outcomeId, @conversationId, @at, @articleId, @section, @helpful)`),
    insertQuestion: db.prepare<[QuestionFacts]>(`
      INSERT INTO unanswered_questions (outcome_id, conversation_id, turn_id, at, kind, text, locale, best_confidence, best_article_id)
      VALUES (@outcomeId, @conversationId, @turnId, @at, @kind, @text, @locale, @bestConfidence, @articleId)`),
    attachUnanswered: db.prepare<[UnansweredTurn]>(`
      UPDATE unanswered_questions SET turn_id = @turnId, best_article_id = coalesce(best_article_id, @articleId)
      WHERE outcome_id = @outcomeId AND kind = 'unanswered' AND turn_id IS NULL`),
    survey: db.prepare<[number, string], Pick<SurveyFacts, 'score' | 'comment'>>(
      'SELECT score, comment FROM surveys WHERE outcome_id = ? AND kind = ?'),
    upsertSurvey: db.prepare<[Stored<SurveyFacts, 'skipped'>]>(`
      INSERT INTO surveys (outcome_id, conversation_id, kind, score, comment, skipped, at)
      VALUES (@outcomeId, @conversationId, @kind, @score, @comment, @skipped, @at)
      ON CONFLICT (outcome_id, kind) DO UPDATE SET score = excluded.score, comment = excluded.comment,
        skipped = excluded.skipped, at = excluded.at`),

    outcomesStarted: db.prepare<[Range], Stored<OutcomeSummary, 'ended' | 'handedOff'>>(`
      SELECT o.outcome, o.ended_at IS NOT NULL AS ended, o.started_at AS startedAt, o.resolved_at AS resolvedAt,
        o.peak_frustration AS peakFrustration, ${HANDED_OFF} AS handedOff
      FROM outcomes o WHERE o.started_at >= @from AND o.started_at < @to`),
    latencies: db.prepare<[Range], { latencyMs: number }>(`SELECT latency_ms AS latencyMs FROM turns WHERE outcome_id IN (${IN_PERIOD})`),
    surveys: db.prepare<[Range & { kind: string }], Stored<SurveyAnswer, 'skipped'>>(
      `SELECT score, skipped FROM surveys WHERE kind = @kind AND outcome_id IN (${IN_PERIOD})`),
    views: db.prepare<[Range], ArticleViews>(`
      SELECT article_id AS articleId, section, count(*) AS views FROM turns
      WHERE decision = 'answer' AND article_id IS NOT NULL AND outcome_id IN (${IN_PERIOD})
      GROUP BY article_id, section`),
    feedback: db.prepare<[Range], ArticleFeedback>(`
      SELECT article_id AS articleId, section, sum(helpful) AS helpful, sum(1 - helpful) AS notHelpful FROM feedback
      WHERE outcome_id IN (${IN_PERIOD}) GROUP BY article_id, section`),
    questions: db.prepare<[Range], RecordedQuestion>(`
      SELECT text, locale, best_confidence AS bestConfidence, best_article_id AS bestArticleId FROM unanswered_questions
      WHERE outcome_id IN (${IN_PERIOD}) ORDER BY at, id`),
    surveysByDay: db.prepare<[Range], DaySurveys>(`
      SELECT substr(o.started_at, 1, 10) AS day, s.kind, count(*) AS n, avg(s.score) AS mean
      FROM surveys s JOIN outcomes o ON o.id = s.outcome_id
      WHERE o.started_at >= @from AND o.started_at < @to AND s.score IS NOT NULL
      GROUP BY day, s.kind`),

    currentOutcome: db.prepare<[{ conversation: string; at: string }], { id: number }>(`
      SELECT id FROM outcomes WHERE conversation_id = @conversation AND started_at <= @at
      ORDER BY started_at DESC, id DESC LIMIT 1`),
    history: db.prepare<[{ customer: string | null; conversation: string; current: number; limit: number }],
      Stored<ConversationHistoryItem, 'ended' | 'handedOff'>>(`
      SELECT o.conversation_id AS conversationId, o.channel, o.locale, o.started_at AS startedAt,
        o.last_activity_at AS lastActivityAt, o.outcome, o.ended_at IS NOT NULL AS ended, o.turns,
        o.peak_frustration AS peakFrustration,
        (SELECT t.customer_text FROM turns t WHERE t.outcome_id = o.id ORDER BY t.decision = 'smalltalk', t.id LIMIT 1) AS firstQuestion,
        o.handed_off_at IS NOT NULL AS handedOff
      FROM outcomes o JOIN conversations c ON c.id = o.conversation_id
      WHERE (c.customer_id = @customer OR o.conversation_id = @conversation) AND o.id <> @current
      ORDER BY o.started_at DESC, o.id DESC LIMIT @limit`),
  };
}
