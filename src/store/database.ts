import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations.js';
import { errorLine } from '../util/errors.js';

/** Why the database cannot be used, in one line that names the file: what an operator is shown, never a stack. */
export class StoreError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** How long a write waits for another connection's lock (a second process on the same data folder) before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating it and its folder if needed) the SQLite database at `file` and brings its schema up to date by
 * applying the `migrations` it has not applied yet. Throws a StoreError when the file cannot be used.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  checkNumbering(migrations);
  const db = connect(file);
  try {
    migrate(db, file, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error instanceof StoreError ? error : new StoreError(file, openFailure(file, error));
  }
}

/** The last migration applied to `db`; 0 for a new database. */
export function schemaVersion(db: Database): number {
  const row = db.prepare<[], { version: number | null }>('SELECT max(version) AS version FROM schema_migrations').get();
  return row?.version ?? 0;
}

function connect(file: string): Database {
  let db: Database | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    db = new BetterSqlite3(file);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // The first statement that reads the file: one that is not SQLite fails here.
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL cannot corrupt the database; a power cut may only lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db?.close();
    throw new StoreError(file, openFailure(file, error));
  }
}

function migrate(db: Database, file: string, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const known = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > known) {
    throw new StoreError(file, `${file} was written by a newer Escucha (schema ${current}, this one knows up to ${known}); ` +
      'upgrade Escucha or point data.dir elsewhere');
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applyOnce = db.transaction((migration: Migration) => {
    // Another process opening the same file may have applied it while this one waited for the lock.
    if (schemaVersion(db) >= migration.version) return;
    migration.up(db);
    const broken = db.pragma('foreign_key_check') as { table: string }[];
    if (broken.length) throw new Error(`it leaves ${broken.length} broken reference(s), the first in table ${broken[0]!.table}`);
    record.run(migration.version, migration.name, new Date().toISOString());
  });
  // Foreign keys are off while migrating, as SQLite advises: rebuilding a table (create, copy, drop, rename) with
  // them on would cascade the drop into the rows that reference it. Each migration is checked before it commits.
  // The pragma is a no-op inside a transaction, hence here.
  db.pragma('foreign_keys = OFF');
  try {
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        applyOnce.immediate(migration);
      } catch (error) {
        throw new StoreError(file, `${file}: schema migration ${migration.version} (${migration.name}) failed, ` +
          `the database stays at schema ${migration.version - 1}: ${errorLine(error)}`);
      }
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/** Versions 1, 2, 3... in order: a gap or a swap is a mistake in the code, caught before any file is touched. */
function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`schema migration "${migration.name}" has version ${migration.version}, expected ${i + 1}`);
    }
  });
}

function openFailure(file: string, error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = errorLine(error);
  if (code === 'SQLITE_NOTADB') return `${file} is not a SQLite database; move it aside or point data.dir elsewhere`;
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) {
    return `${file} is damaged (${reason}); restore it from a backup or point data.dir elsewhere`;
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return `cannot write ${file}: the disk is full`;
  if (typeof code === 'string' && /^(SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM|EACCES|EPERM|EROFS|ENOTDIR|EEXIST)/.test(code)) {
    return `cannot write ${file} (${reason}); make its folder writable or point data.dir elsewhere`;
  }
  return `cannot open ${file} (${reason})`;
}
