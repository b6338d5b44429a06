import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LATEST_SCHEMA_VERSION, MIGRATIONS, StoreError, openDatabase, openStore, schemaVersion, type Migration,
} from '../../src/store/index.js';
import { tempTree } from '../helpers.js';

const opened: Database[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

function open(file: string, migrations?: readonly Migration[]): Database {
  const db = openDatabase(file, migrations);
  opened.push(db);
  return db;
}

function reopen(db: Database, migrations?: readonly Migration[]): Database {
  db.close();
  return open(db.name, migrations);
}

interface MigrationRecord { version: number; name: string; applied_at: string }
const records = (db: Database) =>
  db.prepare<[], MigrationRecord>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
const tableExists = (db: Database, name: string) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** Catches what `run` throws, to look at it whole. */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const extraMigration = (onUp: () => void = () => {}): Migration => ({
  version: LATEST_SCHEMA_VERSION + 1,
  name: 'notes',
  up(db) {
    onUp();
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  },
});

describe('opening the database', () => {
  it('creates the file and its folders, in WAL mode with foreign keys on', () => {
    const file = path.join(tempTree({}), 'deep', 'data', 'escucha.db');
    const db = open(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(tableExists(db, 'conversations')).toBe(true);
  });

  it('records each migration with its version, name and the time it was applied', () => {
    const db = open(path.join(tempTree({}), 'escucha.db'));
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const applied = records(db);
    expect(applied.map(({ version, name }) => ({ version, name }))).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    for (const { applied_at } of applied) expect(new Date(applied_at).toISOString()).toBe(applied_at);
  });

  it('runs a migration once: reopening does not run it again', () => {
    let runs = 0;
    const counted: Migration[] = [{ version: 1, name: 'counted', up(db) { runs++; db.exec('CREATE TABLE t (x INTEGER)'); } }];
    const first = open(path.join(tempTree({}), 'escucha.db'), counted);
    const recorded = records(first);
    const second = reopen(first, counted);
    expect(runs).toBe(1);
    expect(records(second)).toEqual(recorded);
  });

  it('runs a migration appended later on the next open, keeping the data', async () => {
    const first = openStore({ dataDir: tempTree({}) });
    const file = first.db.name;
    await first.conversations.save({
      id: 'c1', channel: 'rest', locale: 'es', startedAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z',
      turns: [], candidates: [], tried: [], failures: 0, emotion: [],
    });
    first.close();
    let runs = 0;
    const withExtra = [...MIGRATIONS, extraMigration(() => runs++)];
    const db = open(file, withExtra);
    expect(runs).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(records(db).at(-1)).toMatchObject({ version: LATEST_SCHEMA_VERSION + 1, name: 'notes' });
    expect(tableExists(db, 'notes')).toBe(true);
    expect(db.prepare('SELECT id FROM conversations').all()).toEqual([{ id: 'c1' }]);
    reopen(db, withExtra);
    expect(runs).toBe(1);
  });

  it('leaves the database at the previous version when a migration throws', () => {
    const file = path.join(tempTree({}), 'escucha.db');
    const failing: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'half done',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('disk on fire');
      },
    };
    const error = thrown(() => open(file, [...MIGRATIONS, failing]));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe(`${file}: schema migration ${LATEST_SCHEMA_VERSION + 1} (half done) failed, ` +
      `the database stays at schema ${LATEST_SCHEMA_VERSION}: disk on fire`);
    const db = open(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tableExists(db, 'half_done')).toBe(false);
    expect(tableExists(db, 'conversations')).toBe(true);
  });

  it('refuses a migration that leaves broken references, and turns foreign keys back on', () => {
    const file = path.join(tempTree({}), 'escucha.db');
    const orphan: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'orphan',
      up(db) {
        db.exec(`CREATE TABLE notes (conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE);
          INSERT INTO notes VALUES ('nobody')`);
      },
    };
    expect(thrown(() => open(file, [...MIGRATIONS, orphan])).message).toMatch(/orphan\) failed.*broken reference.*notes/);
    const db = open(file);
    expect(tableExists(db, 'notes')).toBe(false);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('refuses a database written by a newer Escucha, in one line', () => {
    const db = open(path.join(tempTree({}), 'escucha.db'));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(7, 'future', '2030-01-01T00:00:00.000Z');
    db.close();
    const error = thrown(() => open(db.name));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe(`${db.name} was written by a newer Escucha (schema 7, this one knows up to ${LATEST_SCHEMA_VERSION}); ` +
      'upgrade Escucha or point data.dir elsewhere');
  });

  it('refuses a file that is not a SQLite database, naming it and leaving it untouched', () => {
    const dataDir = tempTree({ 'escucha.db': 'these are my notes, not a database\n'.repeat(40) });
    const file = path.join(dataDir, 'escucha.db');
    const before = readFileSync(file);
    const error = thrown(() => openStore({ dataDir }));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe(`${file} is not a SQLite database; move it aside or point data.dir elsewhere`);
    expect(readFileSync(file)).toEqual(before);
  });

  it('says in one line naming the file when its folder cannot be created', () => {
    const root = tempTree({ 'data': 'a file where the data folder should be' });
    const file = path.join(root, 'data', 'escucha.db');
    const error = thrown(() => openStore({ dataDir: path.join(root, 'data') }));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toMatch(new RegExp(`^cannot write ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.+\\); make its folder writable`));
    expect(error.message).not.toContain('\n');
  });

  it('rejects a migration list that is not numbered 1, 2, 3...', () => {
    const file = path.join(tempTree({}), 'escucha.db');
    expect(() => openDatabase(file, [...MIGRATIONS, { ...extraMigration(), version: LATEST_SCHEMA_VERSION + 2 }]))
      .toThrow(`has version ${LATEST_SCHEMA_VERSION + 2}, expected ${LATEST_SCHEMA_VERSION + 1}`);
  });
});

