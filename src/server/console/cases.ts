import type { Handoff, HandoffMessage, QueueItem } from '../../handoff/index.js';
import type { OutcomeName, OutcomeReader } from '../../outcomes/index.js';

/**
 * The agent console's view of cases, as JSON: what the queue row shows (no transcript, so the list stays small), and
 * everything about one case, with the customer's earlier conversations and how each of them ended.
 */

export interface CaseRow {
  id: string;
  conversationId: string;
  customerId: string | null;
  channel: string;
  locale: string;
  reason: Handoff['reason'];
  articleId: string | null;
  status: Handoff['status'];
  agentId: string | null;
  /** The priority waiting has raised (what the queue sorts by), its label, and the priority it was created with. */
  priority: number;
  priorityLabel: QueueItem['priorityLabel'];
  initialPriority: number;
  waitingMinutes: number;
  emotion: { percent: number; rising: boolean; reasons: { kind: string; match: string }[] };
  firstQuestion: string | null;
  createdAt: string;
  claimedAt: string | null;
  closedAt: string | null;
}

export interface EarlierConversation {
  conversationId: string;
  channel: string;
  locale: string;
  startedAt: string;
  lastActivityAt: string;
  /** `open` while it has not ended (its outcome is not decided yet). */
  outcome: OutcomeName | 'open';
  turns: number;
  peakFrustrationPercent: number;
  firstQuestion: string | null;
  handedOff: boolean;
}

export interface CaseDetail {
  handoff: CaseRow & { summary: Handoff['summary']; transcript: Handoff['transcript'] };
  /** Everything said since the handoff: the customer, the agent, notes and system lines (claimed, resolved...). */
  messages: HandoffMessage[];
  earlierCases: { id: string; createdAt: string; reason: Handoff['reason']; status: Handoff['status']; agentId: string | null }[];
  earlierConversations: EarlierConversation[];
}

export function caseRow(h: QueueItem): CaseRow {
  return {
    id: h.id, conversationId: h.conversationId, customerId: h.customerId ?? null, channel: h.channel, locale: h.locale,
    reason: h.reason, articleId: h.articleId ?? null, status: h.status, agentId: h.agentId ?? null,
    priority: h.currentPriority, priorityLabel: h.priorityLabel, initialPriority: h.priority, waitingMinutes: h.waitingMinutes,
    emotion: {
      percent: Math.round(h.emotion.level * 100), rising: h.emotion.rising,
      reasons: h.emotion.reasons.map((r) => ({ kind: r.kind, match: r.match })),
    },
    firstQuestion: h.summary.asked[0] ?? null,
    createdAt: h.createdAt, claimedAt: h.claimedAt ?? null, closedAt: h.closedAt ?? null,
  };
}

export function caseDetail(history: OutcomeReader, found: { handoff: QueueItem; messages: HandoffMessage[]; earlier: Handoff[] }): CaseDetail {
  const { handoff, messages, earlier } = found;
  return {
    handoff: { ...caseRow(handoff), summary: handoff.summary, transcript: handoff.transcript },
    messages,
    earlierCases: earlier.map((e) => ({ id: e.id, createdAt: e.createdAt, reason: e.reason, status: e.status, agentId: e.agentId ?? null })),
    earlierConversations: earlierConversations(history, handoff),
  };
}

const HISTORY_LIMIT = 20;

/**
 * The customer's other conversations (and earlier ones under the same conversation id, which start afresh after
 * the inactivity window), newest first, each with its outcome as the recorder decided it.
 */
export function earlierConversations(history: OutcomeReader, handoff: Handoff): EarlierConversation[] {
  const rows = history.earlierConversations({
    customerId: handoff.customerId ?? null, conversationId: handoff.conversationId, currentAt: handoff.createdAt, limit: HISTORY_LIMIT,
  });
  return rows.map(({ ended, peakFrustration, ...r }) => ({
    conversationId: r.conversationId, channel: r.channel, locale: r.locale, startedAt: r.startedAt, lastActivityAt: r.lastActivityAt,
    outcome: ended ? r.outcome : 'open', turns: r.turns, peakFrustrationPercent: Math.round(peakFrustration * 100),
    firstQuestion: r.firstQuestion, handedOff: r.handedOff,
  }));
}
