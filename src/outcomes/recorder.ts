import type { EngineEvent, UsedArticle } from '../dialogue/types.js';
import { redact as redactAll, type Redactor } from '../privacy/redact.js';
import type { EndReason, OutcomeRecord, OutcomeWriter } from './repository.js';
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
 * transaction together with the outcome it changes, so a crash leaves either all of it or none of it, and a
 * restart carries on from what is stored: the recorder keeps nothing in memory.
 *
 * Until a conversation ends its outcome is provisional, recomputed at every event; it ends with `conversationEnded`,
 * `conversationExpired`, a new `conversationStarted` for the same id, the team resolving its handoff, or
 * {@link OutcomeRecorder.closeIdle}, and from then on its outcome is final: events that still arrive for it (a
 * survey answered after the agent's handback, a question asked in the same session) are recorded, but do not change
 * it.
 */
export function createOutcomeRecorder(repository: OutcomeWriter, options: OutcomeRecorderOptions): OutcomeRecorder {
  const redact = options.redact ?? redactAll;
  const lowConfidenceBelow = options.lowConfidenceBelow ?? DEFAULT_LOW_CONFIDENCE;
  const onError = options.onError ?? ((error, event) => {
    console.error(`escucha: could not record the ${event.type} event of conversation ${event.conversationId}: ${(error as Error).message ?? error}`);
  });

  const handoffState = (row: OutcomeRecord): HandoffState | undefined => {
    const fromEvents = handoffFromEvents(row);
    const table = repository.latestHandoff(row.conversationId, row.startedAt);
    // The handoff module and this recorder hear the same events in some order: whichever knows more recent news wins.
    if (!table || (row.handedOffAt && table.createdAt < row.handedOffAt)) return fromEvents;
    if (table.status === 'waiting' || table.status === 'assigned') return fromEvents && fromEvents.status !== 'open' ? fromEvents : { status: 'open' };
    return { status: table.status, closedAt: table.closedAt ?? table.updatedAt };
  };

  /** Recomputes the provisional outcome of an open conversation; an ended one keeps its own. */
  const decide = (row: OutcomeRecord): void => {
    if (row.endedAt) return;
    const handoff = handoffState(row);
    const decided = decideOutcome({ lastStep: row.lastStep, ...(row.lastStepAt && { lastStepAt: row.lastStepAt }), ...(handoff && { handoff }) });
    row.outcome = decided.outcome;
    row.resolvedAt = decided.resolvedAt ?? null;
  };

  const end = (row: OutcomeRecord, at: string, reason: EndReason): void => {
    if (row.endedAt) return;
    decide(row);
    row.endedAt = at;
    row.endReason = reason;
  };

  const save = (row: OutcomeRecord) => repository.saveOutcome(row);

  const start = (conversationId: string, at: string, channel: string, locale: string): OutcomeRecord =>
    repository.startOutcome({ conversationId, channel, locale, at });

  /** The conversation an event belongs to: the latest with its id, or one started now from the stored state. */
  const current = (conversationId: string): OutcomeRecord => {
    const latest = repository.latestOutcome(conversationId);
    if (latest) return latest;
    const stored = repository.conversationStart(conversationId);
    if (!stored) throw new Error(`conversation ${conversationId} is not in the conversations table`);
    const row = start(conversationId, stored.startedAt, stored.channel, stored.locale);
    decide(row);
    return row;
  };

  const handlers: { [T in EngineEvent['type']]?: (event: Extract<EngineEvent, { type: T }>) => void } = {
    conversationStarted(event) {
      const open = repository.openOutcome(event.conversationId);
      if (open) {
        end(open, open.lastActivityAt, 'restarted');
        save(open);
      }
      const row = start(event.conversationId, utc(event.at), event.channel, event.locale);
      decide(row);
      save(row);
    },
    conversationExpired(event) {
      const open = repository.openOutcome(event.conversationId);
      if (!open) return;
      end(open, utc(event.lastActivity), 'expired');
      save(open);
    },
    conversationEnded(event) {
      const open = repository.openOutcome(event.conversationId);
      if (!open) return;
      end(open, utc(event.at), 'ended');
      save(open);
    },
    turn(event) {
      const row = current(event.conversationId);
      const at = utc(event.at);
      const best = bestArticle(event.articles);
      const shown = event.decision === 'answer' ? event.articles[0] : best;
      const turnId = repository.addTurn({
        outcomeId: row.id, conversationId: event.conversationId, at, locale: event.locale, decision: event.decision,
        articleId: shown?.id ?? null, section: shown?.section ?? null, confidence: shown?.confidence ?? null,
        frustration: event.emotion.score, frustrationLevel: event.emotion.level, latencyMs: event.latencyMs,
        customerText: redact(event.customerText), botText: redact(event.botText),
      });
      if (event.decision === 'fallback') {
        // The unanswered event came before this turn's: the turn adds itself, and the best article when it had one.
        repository.attachUnanswered({ outcomeId: row.id, turnId, articleId: best?.id ?? null });
      } else if (event.decision === 'clarify' && best && best.confidence < lowConfidenceBelow) {
        repository.addQuestion({
          outcomeId: row.id, conversationId: event.conversationId, turnId, at, kind: 'low_confidence',
          text: redact(event.customerText), locale: event.locale, bestConfidence: best.confidence, articleId: best.id,
        });
      }
      if (row.turns === 0) row.locale = event.locale;
      row.turns++;
      row.peakFrustration = Math.max(row.peakFrustration, event.emotion.level);
      row.lastActivityAt = later(row.lastActivityAt, at);
      const step = STEP_OF_DECISION[event.decision];
      if (step) {
        row.lastStep = step;
        row.lastStepAt = at;
      }
      if (event.decision === 'answer') row.answers++;
      decide(row);
      save(row);
    },
    feedback(event) {
      const row = current(event.conversationId);
      repository.addFeedback({
        outcomeId: row.id, conversationId: event.conversationId, at: utc(event.at), articleId: event.articleId,
        section: event.section, helpful: event.helpful,
      });
      // The verdict is on the last answer: the time of resolution stays that answer's.
      row.lastStep = event.helpful ? 'helped' : 'not_helped';
      decide(row);
      save(row);
    },
    unanswered(event) {
      const row = current(event.conversationId);
      repository.addQuestion({
        outcomeId: row.id, conversationId: event.conversationId, turnId: null, at: utc(event.at), kind: 'unanswered',
        text: redact(event.text), locale: event.locale, bestConfidence: event.bestConfidence, articleId: null,
      });
    },
    survey(event) {
      const row = current(event.conversationId);
      const stored = repository.survey(row.id, event.kind);
      const score = event.score ?? stored?.score ?? null;
      repository.saveSurvey({
        outcomeId: row.id, conversationId: event.conversationId, kind: event.kind, at: utc(event.at), score,
        comment: event.comment !== undefined ? redact(event.comment) : stored?.comment ?? null,
        skipped: Boolean(event.skipped) && score === null,
      });
      // A good score says the answers helped; after a question left without one it rates manners, not a resolution.
      const afterAnswer = row.lastStep !== 'fallback' && row.lastStep !== 'clarify' && row.lastStep !== 'none';
      if (event.score !== undefined && positiveSurvey(event.kind, event.score) && row.answers > 0 && afterAnswer) row.lastStep = 'helped';
      decide(row);
      save(row);
    },
    handoff(event) {
      const at = utc(event.at);
      const latest = current(event.conversationId);
      // A new escalation after an agent closed the earlier one is a new case to count: the earlier outcome stays.
      const row = latest.endedAt ? start(event.conversationId, at, latest.channel, latest.locale) : latest;
      row.handedOffAt = at;
      row.handedBackAt = null;
      row.agentResolved = false;
      row.lastActivityAt = later(row.lastActivityAt, at);
      decide(row);
      save(row);
    },
    handedBack(event) {
      const row = current(event.conversationId);
      const at = utc(event.at);
      row.handedBackAt = at;
      row.agentResolved = event.resolved;
      row.lastActivityAt = later(row.lastActivityAt, at);
      decide(row);
      if (event.resolved) end(row, at, 'agent_resolved');
      save(row);
    },
    relayed(event) {
      const row = current(event.conversationId);
      row.lastActivityAt = later(row.lastActivityAt, utc(event.at));
      save(row);
    },
  };

  return {
    onEvent(event) {
      try {
        // One transaction per event, taking the write lock first (see OutcomeWriter.atomically).
        repository.atomically(() => (handlers[event.type] as ((e: EngineEvent) => void) | undefined)?.(event));
      } catch (error) {
        onError(error, event);
      }
    },

    closeIdle(now = new Date()) {
      const cutoff = new Date(now.getTime() - options.inactivityMinutes * 60_000).toISOString();
      let closed = 0;
      const closeOne = (id: number) => {
        const row = repository.outcome(id);
        if (!row || row.endedAt) return;
        const handoff = handoffState(row);
        if (handoff?.status === 'resolved') {
          end(row, handoff.closedAt, 'agent_resolved');
        } else {
          if (handoff?.status === 'open') return;
          const activity = later(row.lastActivityAt, repository.conversationActivity(row.conversationId, row.startedAt) ?? '');
          if (activity >= cutoff) return;
          end(row, activity, 'idle');
        }
        save(row);
        closed++;
      };
      for (const id of repository.openOutcomeIds()) repository.atomically(() => closeOne(id));
      return closed;
    },

    outcomeOf(conversationId) {
      const row = repository.latestOutcome(conversationId);
      if (!row) return undefined;
      return {
        conversationId, outcome: row.outcome, final: row.endedAt !== null, startedAt: row.startedAt,
        ...(row.endedAt && { endedAt: row.endedAt }), ...(row.resolvedAt && { resolvedAt: row.resolvedAt }),
      };
    },
  };
}

/** What each decision says about the customer's latest question; small talk and handoffs say nothing about it. */
const STEP_OF_DECISION: Partial<Record<string, LastStep>> = { answer: 'answer', clarify: 'clarify', fallback: 'fallback' };

function handoffFromEvents(row: OutcomeRecord): HandoffState | undefined {
  if (!row.handedOffAt) return undefined;
  if (!row.handedBackAt || row.handedBackAt < row.handedOffAt) return { status: 'open' };
  return { status: row.agentResolved ? 'resolved' : 'returned', closedAt: row.handedBackAt };
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
