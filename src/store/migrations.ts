import type { Database } from 'better-sqlite3';

/**
 * One step of the schema. Applied once, in its own transaction, in version order; the version it brings the
 * database to is recorded with it. A migration is never edited once released: a change is a new migration.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * The schema, oldest first. New tables (handoffs, outcomes, surveys, feedback, unanswered questions) are new
 * entries appended here with the next version number; tables that belong to a conversation reference
 * `conversations(id) ON DELETE CASCADE`, so deleting a customer's conversations deletes everything about them.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'conversations',
    up(db) {
      // `state` is the engine's whole ConversationState; the other columns copy the parts that are queried
      // (by customer for privacy requests, by last activity for retention) so they can be indexed.
      db.exec(`
        CREATE TABLE conversations (
          id          TEXT PRIMARY KEY,
          customer_id TEXT,
          channel     TEXT NOT NULL,
          locale      TEXT NOT NULL,
          started_at  TEXT NOT NULL,
          updated_at  TEXT NOT NULL,
          handed_off  INTEGER NOT NULL DEFAULT 0 CHECK (handed_off IN (0, 1)),
          state       TEXT NOT NULL CHECK (json_valid(state))
        ) STRICT;
        CREATE INDEX conversations_by_customer ON conversations (customer_id);
        CREATE INDEX conversations_by_updated_at ON conversations (updated_at);
      `);
    },
  },
];

/** The schema version this code writes: the last migration's. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
