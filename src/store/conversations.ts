import type { Database } from 'better-sqlite3';
import type { ConversationState, ConversationStore } from '../dialogue/state.js';

interface ConversationRow {
  id: string;
  customerId: string | null;
  channel: string;
  locale: string;
  startedAt: string;
  updatedAt: string;
  handedOff: 0 | 1;
  state: string;
}

/**
 * Conversation states in the `conversations` table: the whole state as JSON, plus copies of the fields that are
 * searched (customer, last activity) so they can be indexed.
 */
export class SqliteConversationStore implements ConversationStore {
  private readonly statements: Statements;

  constructor(db: Database) {
    this.statements = prepareStatements(db);
  }

  async load(id: string): Promise<ConversationState | undefined> {
    const row = this.statements.load.get(id);
    return row && parseState(row.state);
  }

  /** Inserts the conversation, or replaces the stored state of one with the same id. */
  async save(state: ConversationState): Promise<void> {
    this.statements.save.run({
      id: state.id,
      customerId: state.customerId ?? null,
      channel: state.channel,
      locale: state.locale,
      startedAt: utcTimestamp(state.startedAt, `conversation ${state.id}: startedAt`),
      updatedAt: utcTimestamp(state.updatedAt, `conversation ${state.id}: updatedAt`),
      handedOff: state.handedOff ? 1 : 0,
      state: JSON.stringify(state),
    });
  }

  /** Every conversation of a customer, oldest first (what a privacy request exports). */
  listByCustomer(customerId: string): ConversationState[] {
    return this.statements.listByCustomer.all(customerId).map((row) => parseState(row.state));
  }

  /** Deletes every conversation of a customer; returns how many there were. */
  deleteByCustomer(customerId: string): number {
    return this.statements.deleteByCustomer.run(customerId).changes;
  }

  /** Deletes the conversations whose last activity is before `date` (retention); returns how many. */
  deleteOlderThan(date: string | Date): number {
    return this.statements.deleteOlderThan.run(utcTimestamp(date, 'retention date')).changes;
  }
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database) {
  return {
    load: db.prepare<[string], { state: string }>('SELECT state FROM conversations WHERE id = ?'),
    save: db.prepare<[ConversationRow]>(`
      INSERT INTO conversations (id, customer_id, channel, locale, started_at, updated_at, handed_off, state)
      VALUES (@id, @customerId, @channel, @locale, @startedAt, @updatedAt, @handedOff, @state)
      ON CONFLICT (id) DO UPDATE SET
        customer_id = excluded.customer_id, channel = excluded.channel, locale = excluded.locale,
        started_at = excluded.started_at, updated_at = excluded.updated_at, handed_off = excluded.handed_off,
        state = excluded.state`),
    listByCustomer: db.prepare<[string], { state: string }>(
      'SELECT state FROM conversations WHERE customer_id = ? ORDER BY started_at, id'),
    deleteByCustomer: db.prepare<[string]>('DELETE FROM conversations WHERE customer_id = ?'),
    deleteOlderThan: db.prepare<[string]>('DELETE FROM conversations WHERE updated_at < ?'),
  };
}

function parseState(json: string): ConversationState {
  return JSON.parse(json) as ConversationState;
}

/**
 * The columns hold one timestamp format (UTC, milliseconds, `Z`) so that comparing them as text compares times and
 * can use the index; the state keeps the timestamps as the engine wrote them.
 */
function utcTimestamp(value: string | Date, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${what} is not a date: ${String(value)}`);
  return date.toISOString();
}
