import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { SqliteConversationStore } from './conversations.js';
import { SqliteHandoffRepository } from './handoffs.js';
import { openDatabase } from './database.js';

export { openDatabase, schemaVersion, StoreError } from './database.js';
export { MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export { SqliteConversationStore } from './conversations.js';
export { SqliteHandoffRepository } from './handoffs.js';

/** The database file inside the data folder (`data.dir`). */
export const DATABASE_FILE = 'escucha.db';

export interface Store {
  readonly db: Database;
  readonly conversations: SqliteConversationStore;
  readonly handoffs: SqliteHandoffRepository;
  /** Writes the write-ahead log back into the database file and closes it; calling it again does nothing. */
  close(): void;
}

/** Opens `<dataDir>/escucha.db`, migrated to the current schema. Throws a StoreError when it cannot be used. */
export function openStore({ dataDir }: { dataDir: string }): Store {
  const db = openDatabase(path.join(dataDir, DATABASE_FILE));
  const conversations = new SqliteConversationStore(db);
  const handoffs = new SqliteHandoffRepository(db);
  let closed = false;
  return {
    db,
    conversations,
    handoffs,
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
