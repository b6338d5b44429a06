import type { Database } from 'better-sqlite3';
import type { ConversationReference } from 'botbuilder';
import type { ReferenceStore, StoredReference } from '../channels/botframework/references.js';

/**
 * Conversation references in SQLite (`conversation_references`), so an agent's reply reaches a Teams or Emulator
 * conversation after a restart too. A reference is deleted with its conversation (forget, retention).
 */
export class SqliteReferenceStore implements ReferenceStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(db: Database) {
    this.statements = prepare(db);
  }

  save(conversationId: string, reference: Partial<ConversationReference>, linkBase: string | undefined): void {
    this.statements.save.run({ conversationId, reference: JSON.stringify(reference), linkBase: linkBase ?? null, now: new Date().toISOString() });
  }

  get(conversationId: string): StoredReference | undefined {
    const row = this.statements.get.get(conversationId);
    if (!row) return undefined;
    return { reference: JSON.parse(row.reference) as Partial<ConversationReference>, ...(row.link_base && { linkBase: row.link_base }) };
  }
}

function prepare(db: Database) {
  return {
    // Only for a conversation the engine has stored; the references of others would dangle.
    save: db.prepare<[{ conversationId: string; reference: string; linkBase: string | null; now: string }]>(`
      INSERT INTO conversation_references (conversation_id, reference, link_base, updated_at)
      SELECT @conversationId, @reference, @linkBase, @now WHERE EXISTS (SELECT 1 FROM conversations WHERE id = @conversationId)
      ON CONFLICT (conversation_id) DO UPDATE SET reference = excluded.reference, link_base = excluded.link_base, updated_at = excluded.updated_at`),
    get: db.prepare<[string], { reference: string; link_base: string | null }>(
      'SELECT reference, link_base FROM conversation_references WHERE conversation_id = ?'),
  };
}
