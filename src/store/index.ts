import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { SqliteConversationStore } from './conversations.js';
import { SqliteDirectLineStore } from './directline.js';
import { SqliteErasureRepository } from './erasure.js';
import { SqliteHandoffRepository } from './handoffs.js';
import { SqliteOutcomeRepository } from './outcomes.js';
import { SqliteReferenceStore } from './references.js';
import { openDatabase } from './database.js';

export { openDatabase, schemaVersion, StoreError } from './database.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export { SqliteConversationStore } from './conversations.js';
export { SqliteHandoffRepository } from './handoffs.js';
export { SqliteOutcomeRepository } from './outcomes.js';
export { SqliteErasureRepository } from './erasure.js';
export { SqliteReferenceStore } from './references.js';
export { SqliteDirectLineStore } from './directline.js';

/** The database file inside the data folder (`data.dir`). */
export const DATABASE_FILE = 'escucha.db';

export interface Store {
  /** The connection itself, for migrations and tests: code outside src/store goes through the repositories below. */
  readonly db: Database;
  readonly conversations: SqliteConversationStore;
  readonly handoffs: SqliteHandoffRepository;
  /** What the outcome recorder writes and the reports, the dashboard and the agent console read. */
  readonly outcomes: SqliteOutcomeRepository;
  /** Forgetting a customer, and retention. */
  readonly erasure: SqliteErasureRepository;
  /** How to reach Bot Framework conversations later. */
  readonly references: SqliteReferenceStore;
  /** The web chat's Direct Line conversations and their tokens, so that they outlive a restart. */
  readonly directLine: SqliteDirectLineStore;
  /** Writes the write-ahead log back into the database file and closes it; calling it again does nothing. */
  close(): void;
}

/** Opens `<dataDir>/escucha.db`, migrated to the current schema. Throws a StoreError when it cannot be used. */
export function openStore({ dataDir }: { dataDir: string }): Store {
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  let closed = false;
  return {
    db,
    conversations: new SqliteConversationStore(db),
    handoffs: new SqliteHandoffRepository(db),
    outcomes: new SqliteOutcomeRepository(db),
    erasure: new SqliteErasureRepository(db),
    references: new SqliteReferenceStore(db),
    directLine: new SqliteDirectLineStore(db),
    close() {
      if (closed) return;
      closed = true;
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
}
