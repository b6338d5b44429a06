import type { Database } from 'better-sqlite3';
import type { Handoff, HandoffMessage, HandoffRepository, HandoffStatus } from '../handoff/types.js';

interface HandoffRow {
  id: string; conversation_id: string; customer_id: string | null; channel: string; locale: string; reason: string;
  article_id: string | null; status: HandoffStatus; priority: number; emotion: string; summary: string; transcript: string;
  agent_id: string | null; created_at: string; claimed_at: string | null; closed_at: string | null; updated_at: string;
}

/** Handoffs and what was said while a person had them, in the `handoffs` and `handoff_messages` tables. */
export class SqliteHandoffRepository implements HandoffRepository {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly db: Database) {
    this.statements = prepare(db);
  }

  create(handoff: Handoff): boolean {
    try {
      this.statements.insert.run({
        id: handoff.id, conversation_id: handoff.conversationId, customer_id: handoff.customerId ?? null, channel: handoff.channel,
        locale: handoff.locale, reason: handoff.reason, article_id: handoff.articleId ?? null, status: handoff.status,
        priority: handoff.priority, emotion: JSON.stringify(handoff.emotion), summary: JSON.stringify(handoff.summary),
        transcript: JSON.stringify(handoff.transcript), agent_id: handoff.agentId ?? null, created_at: handoff.createdAt,
        claimed_at: handoff.claimedAt ?? null, closed_at: handoff.closedAt ?? null, updated_at: handoff.updatedAt,
      });
      return true;
    } catch (error) {
      // The partial unique index: this conversation already has an open case.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw error;
    }
  }

  get(id: string): Handoff | undefined {
    const row = this.statements.get.get(id);
    return row && fromRow(row);
  }

  openFor(conversationId: string): Handoff | undefined {
    const row = this.statements.openFor.get(conversationId);
    return row && fromRow(row);
  }

  open(): Handoff[] {
    return this.statements.open.all().map(fromRow);
  }

  byCustomer(customerId: string): Handoff[] {
    return this.statements.byCustomer.all(customerId).map(fromRow);
  }

  transition(id: string, change: { from: readonly HandoffStatus[]; to: HandoffStatus; at: string; agentId?: string; onlyAgent?: string }): boolean {
    // One UPDATE whose WHERE checks the current status: of two agents claiming at once, exactly one changes a row.
    const result = this.statements.transition.run({
      id, to: change.to, at: change.at, agent: change.agentId ?? null, only_agent: change.onlyAgent ?? null,
      from: JSON.stringify(change.from),
    });
    return result.changes === 1;
  }

  addMessage(id: string, message: HandoffMessage): void {
    this.statements.addMessage.run({ handoff_id: id, author: message.author, agent_id: message.agentId ?? null, text: message.text, at: message.at });
  }

  messages(id: string): HandoffMessage[] {
    return this.statements.messages.all(id).map((row) => ({
      author: row.author, ...(row.agent_id && { agentId: row.agent_id }), text: row.text, at: row.at,
    }));
  }
}

function prepare(db: Database) {
  return {
    insert: db.prepare<[HandoffRow]>(`
      INSERT INTO handoffs (id, conversation_id, customer_id, channel, locale, reason, article_id, status, priority, emotion,
        summary, transcript, agent_id, created_at, claimed_at, closed_at, updated_at)
      VALUES (@id, @conversation_id, @customer_id, @channel, @locale, @reason, @article_id, @status, @priority, @emotion,
        @summary, @transcript, @agent_id, @created_at, @claimed_at, @closed_at, @updated_at)`),
    get: db.prepare<[string], HandoffRow>('SELECT * FROM handoffs WHERE id = ?'),
    openFor: db.prepare<[string], HandoffRow>(`SELECT * FROM handoffs WHERE conversation_id = ? AND status IN ('waiting', 'assigned')`),
    open: db.prepare<[], HandoffRow>(`SELECT * FROM handoffs WHERE status IN ('waiting', 'assigned') ORDER BY created_at, id`),
    byCustomer: db.prepare<[string], HandoffRow>('SELECT * FROM handoffs WHERE customer_id = ? ORDER BY created_at DESC, id'),
    transition: db.prepare<[{ id: string; to: string; at: string; agent: string | null; only_agent: string | null; from: string }]>(`
      UPDATE handoffs SET
        status = @to, updated_at = @at,
        agent_id = COALESCE(@agent, agent_id),
        claimed_at = CASE WHEN @to = 'assigned' THEN @at ELSE claimed_at END,
        closed_at = CASE WHEN @to IN ('resolved', 'returned') THEN @at ELSE closed_at END
      WHERE id = @id AND status IN (SELECT value FROM json_each(@from))
        AND (@only_agent IS NULL OR agent_id = @only_agent)`),
    addMessage: db.prepare<[{ handoff_id: string; author: string; agent_id: string | null; text: string; at: string }]>(
      'INSERT INTO handoff_messages (handoff_id, author, agent_id, text, at) VALUES (@handoff_id, @author, @agent_id, @text, @at)'),
    messages: db.prepare<[string], { author: HandoffMessage['author']; agent_id: string | null; text: string; at: string }>(
      'SELECT author, agent_id, text, at FROM handoff_messages WHERE handoff_id = ? ORDER BY id'),
  };
}

function fromRow(row: HandoffRow): Handoff {
  return {
    id: row.id, conversationId: row.conversation_id, ...(row.customer_id && { customerId: row.customer_id }), channel: row.channel,
    locale: row.locale, reason: row.reason as Handoff['reason'], ...(row.article_id && { articleId: row.article_id }),
    status: row.status, priority: row.priority, emotion: JSON.parse(row.emotion) as Handoff['emotion'],
    summary: JSON.parse(row.summary) as Handoff['summary'], transcript: JSON.parse(row.transcript) as Handoff['transcript'],
    ...(row.agent_id && { agentId: row.agent_id }), createdAt: row.created_at,
    ...(row.claimed_at && { claimedAt: row.claimed_at }), ...(row.closed_at && { closedAt: row.closed_at }), updatedAt: row.updated_at,
  };
}
