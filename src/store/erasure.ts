import type { Database } from 'better-sqlite3';
import type { DeletedCounts, ErasureRepository } from '../privacy/erase.js';

/**
 * Erasure in SQLite. A customer's or an expired conversation goes with everything about it through the schema's
 * ON DELETE CASCADE references, which are read from the schema, so tables added later are counted and deleted
 * without changes here; rows in any other table that name the customer in a `customer_id` column go too.
 * One IMMEDIATE transaction per call: all of it or nothing. Deleted content is overwritten on disk (SQLite's
 * secure_delete).
 */
export class SqliteErasureRepository implements ErasureRepository {
  constructor(private readonly db: Database) {}

  forgetCustomer(customerId: string): DeletedCounts {
    const { db } = this;
    return eraseWithSecureDelete(db, () => {
      const counts = deleteConversations(db, 'customer_id = @customerId', { customerId });
      // With what hangs from those rows (a web chat's tokens and activities, before the engine has its conversation).
      for (const table of tablesWithColumn(db, 'customer_id')) {
        if (table !== 'conversations') addCounts(counts, deleteCascading(db, table, 'customer_id = @customerId', { customerId }));
      }
      return counts;
    });
  }

  /** Conversations last active before the cutoff, then, inside conversations still in use, ended outcomes and closed cases. */
  deleteBefore(cutoff: string): DeletedCounts {
    const { db } = this;
    return eraseWithSecureDelete(db, () => {
      const counts = deleteConversations(db, 'updated_at < @cutoff', { cutoff });
      if (tableExists(db, 'outcomes')) addCounts(counts, deleteCascading(db, 'outcomes', 'ended_at IS NOT NULL AND ended_at < @cutoff', { cutoff }));
      if (tableExists(db, 'handoffs')) {
        addCounts(counts, deleteCascading(db, 'handoffs', "status IN ('resolved', 'returned') AND coalesce(closed_at, updated_at) < @cutoff", { cutoff }));
      }
      return counts;
    });
  }
}

function addCounts(counts: DeletedCounts, more: DeletedCounts): void {
  for (const [table, n] of Object.entries(more)) counts[table] = (counts[table] ?? 0) + n;
}

function eraseWithSecureDelete(db: Database, erase: () => DeletedCounts): DeletedCounts {
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    return db.transaction(erase).immediate();
  } finally {
    db.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
  }
}

function deleteConversations(db: Database, where: string, params: Record<string, string>): DeletedCounts {
  return deleteCascading(db, 'conversations', where, params);
}

/**
 * Counts the rows a DELETE on `table` will remove there and, through ON DELETE CASCADE references, in every table
 * below it (found from the schema, so tables added later are counted without changes here), then deletes.
 */
function deleteCascading(db: Database, table: string, where: string, params: Record<string, string>): DeletedCounts {
  const parents = cascadeParents(db);
  const reached = [table];
  for (let i = 0; i < reached.length; i++) {
    for (const [child, refs] of parents) {
      if (!reached.includes(child) && refs.some((ref) => ref.table === reached[i])) reached.push(child);
    }
  }
  const conditions = new Map<string, string>([[table, where]]);
  // A row goes when any of its references points at a row that goes (turns: through conversations or outcomes).
  const conditionOf = (name: string, visiting: ReadonlySet<string>): string => {
    const known = conditions.get(name);
    if (known) return known;
    const through = (parents.get(name) ?? [])
      .filter((ref) => reached.includes(ref.table) && !visiting.has(ref.table))
      .map((ref) => `"${ref.from}" IN (SELECT "${ref.to}" FROM "${ref.table}" WHERE ${conditionOf(ref.table, new Set([...visiting, name]))})`);
    const condition = through.length ? through.map((c) => `(${c})`).join(' OR ') : '0';
    conditions.set(name, condition);
    return condition;
  };
  const counts: DeletedCounts = {};
  for (const name of reached) {
    counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE ${conditionOf(name, new Set())}`).get(params) as { n: number }).n;
  }
  db.prepare(`DELETE FROM "${table}" WHERE ${where}`).run(params);
  return counts;
}

/** `from`, a column of the child, holds `to`, a column of the parent `table`. */
interface CascadeReference { table: string; from: string; to: string }

/** For each table, the references through which its rows are deleted with another table's (ON DELETE CASCADE). */
function cascadeParents(db: Database): Map<string, CascadeReference[]> {
  const parents = new Map<string, CascadeReference[]>();
  for (const table of userTables(db)) {
    const references = db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string; to: string | null; on_delete: string }[];
    const cascading = references.filter((ref) => ref.on_delete.toUpperCase() === 'CASCADE' && ref.table !== table)
      .map((ref) => ({ table: ref.table, from: ref.from, to: ref.to ?? 'rowid' }));
    if (cascading.length) parents.set(table, cascading);
  }
  return parents;
}

function userTables(db: Database): string[] {
  return db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all().map((r) => r.name);
}

function tablesWithColumn(db: Database, column: string): string[] {
  return userTables(db).filter((table) => (db.pragma(`table_info("${table}")`) as { name: string }[]).some((c) => c.name === column));
}

function tableExists(db: Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
