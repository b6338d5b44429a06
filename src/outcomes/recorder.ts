import type { Database } from 'better-sqlite3';
import type { EngineEvent, UsedArticle } from '../dialogue/types.js';
import { redact as redactAll, type Redactor } from '../privacy/redact.js';
import { decideOutcome, positiveSurvey, type HandoffState, type LastStep, type OutcomeName } from './rules.js';

export interface OutcomeRecorderOptions {
  /** `dialogue.inactivityMinutes`: a conversation silent this long is over (the customer left). */
  inactivityMinutes: number;
  /** Applied to every text stored (questions, replies, comments); the built-in redaction by default. */
  redact?: Redactor;
  /** `dialogue.thresholds.answer`: a clarification whose best option is below it records a low-confidence question. */
  lowConfidenceBelow?: number;
  /**
   * Where a write that failed is reported; nothing of that event is stored (each event is one transaction). By
   * default one line on standard error: a listener must never break the engine's turn, which is already saved.
   */
  onError?: (error: unknown, event: EngineEvent) => void;
}

export interface RecordedOutcome {
  conversationId: string;
  outcome: OutcomeName;
  /** False while the conversation is open: a later event may still change the outcome. */
  final: boolean;
  startedAt: string;
  endedAt?: string;
  resolvedAt?: string;
}

export interface OutcomeRecorder {
  /** Records one engine event (as `DialogueEngine`'s `onEvent`). */
  onEvent(event: EngineEvent): void;
  /**
   * Ends the conversations that are over without an event saying so: those silent for the inactivity window (at
   * their last activity; a conversation waiting for the team is not over), and those whose handoff the team resolved
   * (at its closing time). Returns how many it ended. Meant for the server to call every minute;
   * `escucha report` calls it before counting.
   */
  closeIdle(now?: Date): number;
  /** The latest conversation with this id, as recorded so far. */
  outcomeOf(conversationId: string): RecordedOutcome | undefined;
}

const DEFAULT_LOW_CONFIDENCE = 0.45;

/**
 * Listens to the dialogue engine's events and records turns, feedback, survey answers, unanswered and low-confidence
 * questions, and exactly one outcome per conversation (the rules are in rules.ts). Each event is written in one
 * SQLite transaction together with the outcome it changes, so a crash leaves either all of it or none of it, and a
 * restart carries on from what is stored: the recorder keeps nothing in memory.
 *
 * Until a conversation ends its outcome is provisional, recomputed at every event; it ends with `conversationEnded`,
 * `conversationExpired`, a new `conversationStarted` for the same id, the team resolving its handoff, or
 * {@link OutcomeRecorder.closeIdle}, and from then on its outcome is final: events that still arrive for it (a
 * survey answered after the agent's handback, a question asked in the same session) are recorded, but do not change
 * it.
 */
export function createOutcomeRecorder(db: Database, options: OutcomeRecorderOptions): OutcomeRecorder {
  const redact = options.redact ?? redactAll;
  const lowConfidenceBelow = options.lowConfidenceBelow ?? DEFAULT_LOW_CONFIDENCE;
  const onError = options.onError ?? ((error, event) => {
    console.error(`escucha: could not record the ${event.type} event of conversation ${event.conversationId}: ${(error as Error).message ?? error}`);
  });
  const sql = prepare(db);

  const handoffState = (row: OutcomeRow): HandoffState | undefined => {
    const fromEvents = handoffFromEvents(row);
    const table = sql.latestHandoff.get(row.conversation_id, row.started_at);
    // The handoff module and this recorder hear the same events in some order: whichever knows more recent news wins.
    if (!table || (row.handed_off_at && table.created_at < row.handed_off_at)) return fromEvents;
    if (table.status === 'waiting' || table.status === 'assigned') return fromEvents && fromEvents.status !== 'open' ? fromEvents : { status: 'open' };
    return { status: table.status, closedAt: table.closed_at ?? table.updated_at };
  };

  /** Recomputes the provisional outcome of an open conversation; an ended one keeps its own. */
  const decide = (row: OutcomeRow): void => {
    if (row.ended_at) return;
    const handoff = handoffState(row);
    const decided = decideOutcome({ lastStep: row.last_step, ...(row.last_step_at && { lastStepAt: row.last_step_at }), ...(handoff && { handoff }) });
    row.outcome = decided.outcome;
    row.resolved_at = decided.resolvedAt ?? null;
  };

  const end = (row: OutcomeRow, at: string, reason: EndReason): void => {
    if (row.ended_at) return;
    decide(row);
    row.ended_at = at;
    row.end_reason = reason;
  };

  const save = (row: OutcomeRow) => sql.updateOutcome.run(row);

  const start = (conversationId: string, at: string, channel: string, locale: string): OutcomeRow => {
    const id = Number(sql.insertOutcome.run({ conversationId, channel, locale, at }).lastInsertRowid);
    return sql.outcomeById.get(id)!;
  };

  /** The conversation an event belongs to: the latest with its id, or one started now from the stored state. */
  const current = (conversationId: string): OutcomeRow => {
    const latest = sql.latestOutcome.get(conversationId);
    if (latest) return latest;
    const stored = sql.conversation.get(conversationId);
    if (!stored) throw new Error(`conversation ${conversationId} is not in the conversations table`);
    const row = start(conversationId, stored.started_at, stored.channel, stored.locale);
    decide(row);
    return row;
  };

  const handlers: { [T in EngineEvent['type']]?: (event: Extract<EngineEvent, { type: T }>) => void } = {
    conversationStarted(event) {
      const open = sql.openOutcome.get(event.conversationId);
      if (open) {
        end(open, open.last_activity_at, 'restarted');
        save(open);
      }
      const row = start(event.conversationId, utc(event.at), event.channel, event.locale);
      decide(row);
      save(row);
    },
    conversationExpired(event) {
      const open = sql.openOutcome.get(event.conversationId);
      if (!open) return;
      end(open, utc(event.lastActivity), 'expired');
      save(open);
    },
    conversationEnded(event) {
      const open = sql.openOutcome.get(event.conversationId);
      if (!open) return;
      end(open, utc(event.at), 'ended');
      save(open);
    },
    turn(event) {
      const row = current(event.conversationId);
      const at = utc(event.at);
      const best = bestArticle(event.articles);
      const shown = event.decision === 'answer' ? event.articles[0] : best;
      const turnId = Number(sql.insertTurn.run({
        outcomeId: row.id, conversationId: event.conversationId, at, locale: event.locale, decision: event.decision,
        articleId: shown?.id ?? null, section: shown?.section ?? null, confidence: shown?.confidence ?? null,
        frustration: event.emotion.score, frustrationLevel: event.emotion.level, latencyMs: event.latencyMs,
        customerText: redact(event.customerText), botText: redact(event.botText),
      }).lastInsertRowid);
      if (event.decision === 'fallback') {
        sql.attachUnanswered.run({ outcomeId: row.id, turnId, articleId: best?.id ?? null });
      } else if (event.decision === 'clarify' && best && best.confidence < lowConfidenceBelow) {
        sql.insertQuestion.run({
          outcomeId: row.id, conversationId: event.conversationId, turnId, at, kind: 'low_confidence',
          text: redact(event.customerText), locale: event.locale, bestConfidence: best.confidence, articleId: best.id,
        });
      }
      if (row.turns === 0) row.locale = event.locale;
      row.turns++;
      row.peak_frustration = Math.max(row.peak_frustration, event.emotion.level);
      row.last_activity_at = later(row.last_activity_at, at);
      const step = STEP_OF_DECISION[event.decision];
      if (step) {
        row.last_step = step;
        row.last_step_at = at;
      }
      if (event.decision === 'answer') row.answers++;
      decide(row);
      save(row);
    },
    feedback(event) {
      const row = current(event.conversationId);
      sql.insertFeedback.run({
        outcomeId: row.id, conversationId: event.conversationId, at: utc(event.at), articleId: event.articleId,
        section: event.section, helpful: event.helpful ? 1 : 0,
      });
      // The verdict is on the last answer: the time of resolution stays that answer's.
      row.last_step = event.helpful ? 'helped' : 'not_helped';
      decide(row);
      save(row);
    },
    unanswered(event) {
      const row = current(event.conversationId);
      sql.insertQuestion.run({
        outcomeId: row.id, conversationId: event.conversationId, turnId: null, at: utc(event.at), kind: 'unanswered',
        text: redact(event.text), locale: event.locale, bestConfidence: event.bestConfidence, articleId: null,
      });
    },
    survey(event) {
      const row = current(event.conversationId);
      const stored = sql.survey.get(row.id, event.kind);
      const score = event.score ?? stored?.score ?? null;
      sql.upsertSurvey.run({
        outcomeId: row.id, conversationId: event.conversationId, kind: event.kind, at: utc(event.at), score,
        comment: event.comment !== undefined ? redact(event.comment) : stored?.comment ?? null,
        skipped: event.skipped && score === null ? 1 : 0,
      });
      // A good score says the answers helped; after a question left without one it rates manners, not a resolution.
      const afterAnswer = row.last_step !== 'fallback' && row.last_step !== 'clarify' && row.last_step !== 'none';
      if (event.score !== undefined && positiveSurvey(event.kind, event.score) && row.answers > 0 && afterAnswer) row.last_step = 'helped';
      decide(row);
      save(row);
    },
    handoff(event) {
      const at = utc(event.at);
      const latest = current(event.conversationId);
      // A new escalation after an agent closed the earlier one is a new case to count: the earlier outcome stays.
      const row = latest.ended_at ? start(event.conversationId, at, latest.channel, latest.locale) : latest;
      row.handed_off_at = at;
      row.handed_back_at = null;
      row.agent_resolved = 0;
      row.last_activity_at = later(row.last_activity_at, at);
      decide(row);
      save(row);
    },
    handedBack(event) {
      const row = current(event.conversationId);
      const at = utc(event.at);
      row.handed_back_at = at;
      row.agent_resolved = event.resolved ? 1 : 0;
      row.last_activity_at = later(row.last_activity_at, at);
      decide(row);
      if (event.resolved) end(row, at, 'agent_resolved');
      save(row);
    },
    relayed(event) {
      const row = current(event.conversationId);
      row.last_activity_at = later(row.last_activity_at, utc(event.at));
      save(row);
    },
  };

  const record = db.transaction((event: EngineEvent) => {
    const handler = handlers[event.type] as ((e: EngineEvent) => void) | undefined;
    handler?.(event);
  });

  return {
    onEvent(event) {
      try {
        // IMMEDIATE: take the write lock first, so that a second process cannot make this transaction fail halfway.
        record.immediate(event);
      } catch (error) {
        onError(error, event);
      }
    },

    closeIdle(now = new Date()) {
      const cutoff = new Date(now.getTime() - options.inactivityMinutes * 60_000).toISOString();
      let closed = 0;
      const closeOne = db.transaction((id: number) => {
        const row = sql.outcomeById.get(id);
        if (!row || row.ended_at) return;
        const handoff = handoffState(row);
        if (handoff?.status === 'resolved') {
          end(row, handoff.closedAt, 'agent_resolved');
        } else {
          if (handoff?.status === 'open') return;
          const activity = later(row.last_activity_at, sql.conversationActivity.get(row.conversation_id, row.started_at)?.updated_at ?? '');
          if (activity >= cutoff) return;
          end(row, activity, 'idle');
        }
        save(row);
        closed++;
      });
      for (const { id } of sql.openOutcomes.all()) closeOne.immediate(id);
      return closed;
    },

    outcomeOf(conversationId) {
      const row = sql.latestOutcome.get(conversationId);
      if (!row) return undefined;
      return {
        conversationId, outcome: row.outcome, final: row.ended_at !== null, startedAt: row.started_at,
        ...(row.ended_at && { endedAt: row.ended_at }), ...(row.resolved_at && { resolvedAt: row.resolved_at }),
      };
    },
  };
}

type EndReason = 'ended' | 'expired' | 'idle' | 'agent_resolved' | 'restarted';

interface OutcomeRow {
  id: number;
  conversation_id: string;
  channel: string;
  locale: string;
  started_at: string;
  last_activity_at: string;
  outcome: OutcomeName;
  resolved_at: string | null;
  ended_at: string | null;
  end_reason: EndReason | null;
  turns: number;
  answers: number;
  last_step: LastStep;
  last_step_at: string | null;
  handed_off_at: string | null;
  handed_back_at: string | null;
  agent_resolved: 0 | 1;
  peak_frustration: number;
}

/** What each decision says about the customer's latest question; small talk and handoffs say nothing about it. */
const STEP_OF_DECISION: Partial<Record<string, LastStep>> = { answer: 'answer', clarify: 'clarify', fallback: 'fallback' };

function handoffFromEvents(row: OutcomeRow): HandoffState | undefined {
  if (!row.handed_off_at) return undefined;
  if (!row.handed_back_at || row.handed_back_at < row.handed_off_at) return { status: 'open' };
  return { status: row.agent_resolved ? 'resolved' : 'returned', closedAt: row.handed_back_at };
}

function bestArticle(articles: readonly UsedArticle[]): UsedArticle | undefined {
  return articles.reduce<UsedArticle | undefined>((best, a) => (!best || a.confidence > best.confidence ? a : best), undefined);
}

/** Timestamps are compared as text, so they are all kept in one form: UTC with milliseconds. */
function utc(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${at}`);
  return date.toISOString();
}

const later = (a: string, b: string) => (a > b ? a : b);

function prepare(db: Database) {
  return {
    outcomeById: db.prepare<[number], OutcomeRow>('SELECT * FROM outcomes WHERE id = ?'),
    latestOutcome: db.prepare<[string], OutcomeRow>('SELECT * FROM outcomes WHERE conversation_id = ? ORDER BY id DESC LIMIT 1'),
    openOutcome: db.prepare<[string], OutcomeRow>('SELECT * FROM outcomes WHERE conversation_id = ? AND ended_at IS NULL'),
    openOutcomes: db.prepare<[], { id: number }>('SELECT id FROM outcomes WHERE ended_at IS NULL ORDER BY id'),
    conversation: db.prepare<[string], { channel: string; locale: string; started_at: string }>(
      'SELECT channel, locale, started_at FROM conversations WHERE id = ?'),
    conversationActivity: db.prepare<[string, string], { updated_at: string }>(
      'SELECT updated_at FROM conversations WHERE id = ? AND started_at <= ?'),
    insertOutcome: db.prepare<[{ conversationId: string; channel: string; locale: string; at: string }]>(`
      INSERT INTO outcomes (conversation_id, channel, locale, started_at, last_activity_at, outcome)
      VALUES (@conversationId, @channel, @locale, @at, @at, 'abandoned')`),
    updateOutcome: db.prepare<[OutcomeRow]>(`
      UPDATE outcomes SET locale = @locale, last_activity_at = @last_activity_at, outcome = @outcome,
        resolved_at = @resolved_at, ended_at = @ended_at, end_reason = @end_reason, turns = @turns, answers = @answers,
        last_step = @last_step, last_step_at = @last_step_at, handed_off_at = @handed_off_at,
        handed_back_at = @handed_back_at, agent_resolved = @agent_resolved, peak_frustration = @peak_frustration
      WHERE id = @id`),
    latestHandoff: db.prepare<[string, string], { status: 'waiting' | 'assigned' | 'resolved' | 'returned'; created_at: string; closed_at: string | null; updated_at: string }>(`
      SELECT status, created_at, closed_at, updated_at FROM handoffs
      WHERE conversation_id = ? AND created_at >= ? ORDER BY created_at DESC, rowid DESC LIMIT 1`),
    insertTurn: db.prepare(`
      INSERT INTO turns (outcome_id, conversation_id, at, locale, decision, article_id, section, confidence, frustration,
        frustration_level, latency_ms, customer_text, bot_text)
      VALUES (@outcomeId, @conversationId, @at, @locale, @decision, @articleId, @section, @confidence, @frustration,
        @frustrationLevel, @latencyMs, @customerText, @botText)`),
    insertFeedback: db.prepare(`
      INSERT INTO feedback (outcome_id, conversation_id, at, article_id, section, helpful)
      VALUES (@outcomeId, @conversationId, @at, @articleId, @section, @helpful)`),
    insertQuestion: db.prepare(`
      INSERT INTO unanswered_questions (outcome_id, conversation_id, turn_id, at, kind, text, locale, best_confidence, best_article_id)
      VALUES (@outcomeId, @conversationId, @turnId, @at, @kind, @text, @locale, @bestConfidence, @articleId)`),
    // The unanswered event comes before its turn's: the turn adds itself, and the best article when it had one.
    attachUnanswered: db.prepare(`
      UPDATE unanswered_questions SET turn_id = @turnId, best_article_id = coalesce(best_article_id, @articleId)
      WHERE outcome_id = @outcomeId AND kind = 'unanswered' AND turn_id IS NULL`),
    survey: db.prepare<[number, string], { score: number | null; comment: string | null }>(
      'SELECT score, comment FROM surveys WHERE outcome_id = ? AND kind = ?'),
    upsertSurvey: db.prepare(`
      INSERT INTO surveys (outcome_id, conversation_id, kind, score, comment, skipped, at)
      VALUES (@outcomeId, @conversationId, @kind, @score, @comment, @skipped, @at)
      ON CONFLICT (outcome_id, kind) DO UPDATE SET score = excluded.score, comment = excluded.comment,
        skipped = excluded.skipped, at = excluded.at`),
  };
}
