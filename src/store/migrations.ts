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
  {
    version: 2,
    name: 'handoffs',
    up(db) {
      // One row per escalation; `messages` is everything said while a person had it (both ways, and agents' notes).
      // At most one open case per conversation, enforced by the database so that a race cannot queue it twice.
      db.exec(`
        CREATE TABLE handoffs (
          id              TEXT PRIMARY KEY,
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          customer_id     TEXT,
          channel         TEXT NOT NULL,
          locale          TEXT NOT NULL,
          reason          TEXT NOT NULL,
          article_id      TEXT,
          status          TEXT NOT NULL CHECK (status IN ('waiting', 'assigned', 'resolved', 'returned')),
          priority        INTEGER NOT NULL,
          emotion         TEXT NOT NULL CHECK (json_valid(emotion)),
          summary         TEXT NOT NULL CHECK (json_valid(summary)),
          transcript      TEXT NOT NULL CHECK (json_valid(transcript)),
          agent_id        TEXT,
          created_at      TEXT NOT NULL,
          claimed_at      TEXT,
          closed_at       TEXT,
          updated_at      TEXT NOT NULL
        ) STRICT;
        CREATE INDEX handoffs_by_status ON handoffs (status, priority DESC, created_at);
        CREATE INDEX handoffs_by_customer ON handoffs (customer_id);
        CREATE UNIQUE INDEX handoffs_one_open_per_conversation ON handoffs (conversation_id) WHERE status IN ('waiting', 'assigned');
        CREATE TABLE handoff_messages (
          id         INTEGER PRIMARY KEY,
          handoff_id TEXT NOT NULL REFERENCES handoffs (id) ON DELETE CASCADE,
          author     TEXT NOT NULL CHECK (author IN ('customer', 'agent', 'note', 'system')),
          agent_id   TEXT,
          text       TEXT NOT NULL,
          at         TEXT NOT NULL
        ) STRICT;
        CREATE INDEX handoff_messages_by_handoff ON handoff_messages (handoff_id, id);
      `);
    },
  },
  {
    version: 3,
    name: 'outcomes',
    up(db) {
      // One `outcomes` row per conversation as the customer lived it: a conversation id that comes back after the
      // inactivity window (or after it was ended) is a new conversation with its own row. The row also keeps the
      // facts its outcome is decided from, updated in the same transaction as each event's own row, so a restart
      // resumes exactly where it was. `ended_at` is null while the conversation is open; once set, the outcome is
      // final. The rules are in src/outcomes/rules.ts. Texts are stored redacted.
      db.exec(`
        CREATE TABLE outcomes (
          id               INTEGER PRIMARY KEY,
          conversation_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          channel          TEXT NOT NULL,
          locale           TEXT NOT NULL,
          started_at       TEXT NOT NULL,
          last_activity_at TEXT NOT NULL,
          outcome          TEXT NOT NULL CHECK (outcome IN ('resolved_by_bot', 'escalated', 'resolved_by_agent', 'abandoned', 'unresolved')),
          resolved_at      TEXT,
          ended_at         TEXT,
          end_reason       TEXT CHECK (end_reason IN ('ended', 'expired', 'idle', 'agent_resolved', 'restarted')),
          turns            INTEGER NOT NULL DEFAULT 0,
          answers          INTEGER NOT NULL DEFAULT 0,
          last_step        TEXT NOT NULL DEFAULT 'none' CHECK (last_step IN ('none', 'answer', 'helped', 'not_helped', 'clarify', 'fallback')),
          last_step_at     TEXT,
          handed_off_at    TEXT,
          handed_back_at   TEXT,
          agent_resolved   INTEGER NOT NULL DEFAULT 0 CHECK (agent_resolved IN (0, 1)),
          peak_frustration REAL NOT NULL DEFAULT 0,
          CHECK ((ended_at IS NULL) = (end_reason IS NULL))
        ) STRICT;
        CREATE UNIQUE INDEX outcomes_one_open_per_conversation ON outcomes (conversation_id) WHERE ended_at IS NULL;
        CREATE INDEX outcomes_by_conversation ON outcomes (conversation_id, id);
        CREATE INDEX outcomes_by_started_at ON outcomes (started_at);
        CREATE INDEX outcomes_open_by_activity ON outcomes (last_activity_at) WHERE ended_at IS NULL;

        CREATE TABLE turns (
          id                INTEGER PRIMARY KEY,
          outcome_id        INTEGER NOT NULL REFERENCES outcomes (id) ON DELETE CASCADE,
          conversation_id   TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          at                TEXT NOT NULL,
          locale            TEXT NOT NULL,
          decision          TEXT NOT NULL,
          article_id        TEXT,
          section           TEXT,
          confidence        REAL,
          frustration       REAL NOT NULL,
          frustration_level REAL NOT NULL,
          latency_ms        REAL NOT NULL,
          customer_text     TEXT NOT NULL,
          bot_text          TEXT NOT NULL
        ) STRICT;
        CREATE INDEX turns_by_outcome ON turns (outcome_id, id);
        CREATE INDEX turns_by_conversation ON turns (conversation_id);
        CREATE INDEX turns_by_article ON turns (article_id) WHERE article_id IS NOT NULL;

        CREATE TABLE feedback (
          id              INTEGER PRIMARY KEY,
          outcome_id      INTEGER NOT NULL REFERENCES outcomes (id) ON DELETE CASCADE,
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          at              TEXT NOT NULL,
          article_id      TEXT NOT NULL,
          section         TEXT NOT NULL,
          helpful         INTEGER NOT NULL CHECK (helpful IN (0, 1))
        ) STRICT;
        CREATE INDEX feedback_by_outcome ON feedback (outcome_id);
        CREATE INDEX feedback_by_conversation ON feedback (conversation_id);

        -- One row per survey and conversation: a later answer or comment to the same survey updates it.
        CREATE TABLE surveys (
          id              INTEGER PRIMARY KEY,
          outcome_id      INTEGER NOT NULL REFERENCES outcomes (id) ON DELETE CASCADE,
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          kind            TEXT NOT NULL CHECK (kind IN ('csat', 'ces')),
          score           INTEGER CHECK (score BETWEEN 1 AND (CASE kind WHEN 'csat' THEN 5 ELSE 7 END)),
          comment         TEXT,
          skipped         INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
          at              TEXT NOT NULL,
          UNIQUE (outcome_id, kind)
        ) STRICT;
        CREATE INDEX surveys_by_conversation ON surveys (conversation_id);

        -- Questions the bot could not answer (a fallback) or answered only with options it was unsure of (a
        -- clarification below the answer threshold): the content-gap report clusters them.
        CREATE TABLE unanswered_questions (
          id              INTEGER PRIMARY KEY,
          outcome_id      INTEGER NOT NULL REFERENCES outcomes (id) ON DELETE CASCADE,
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          turn_id         INTEGER REFERENCES turns (id) ON DELETE CASCADE,
          at              TEXT NOT NULL,
          kind            TEXT NOT NULL CHECK (kind IN ('unanswered', 'low_confidence')),
          text            TEXT NOT NULL,
          locale          TEXT NOT NULL,
          best_confidence REAL NOT NULL,
          best_article_id TEXT
        ) STRICT;
        CREATE INDEX unanswered_by_outcome ON unanswered_questions (outcome_id);
        CREATE INDEX unanswered_by_conversation ON unanswered_questions (conversation_id);
        CREATE INDEX unanswered_by_turn ON unanswered_questions (turn_id) WHERE turn_id IS NOT NULL;
      `);
    },
  },
  {
    version: 4,
    name: 'conversation_references',
    up(db) {
      // How to reach a Bot Framework conversation outside a request (an agent's reply, the bot resuming): the
      // activity's conversation reference as JSON, and the origin its relative links are made absolute on.
      db.exec(`
        CREATE TABLE conversation_references (
          conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
          reference       TEXT NOT NULL,
          link_base       TEXT,
          updated_at      TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 5,
    name: 'directline',
    up(db) {
      // The web chat's Direct Line conversations, so that a restart (a deploy) ends none of them: who each is for,
      // its tokens (their SHA-256, never the tokens themselves) and its last activities as JSON, at their positions
      // (the watermarks). A conversation lasts as long as its last token. It exists before the engine has stored a
      // conversation for it, so `conversation_id` (the engine's) is filled in once the engine has one, and from
      // then on it is deleted with it (forget, retention); before that, `customer_id` is what forgetting finds.
      db.exec(`
        CREATE TABLE directline_conversations (
          id              TEXT PRIMARY KEY,
          customer_id     TEXT NOT NULL,
          customer_bound  INTEGER NOT NULL CHECK (customer_bound IN (0, 1)),
          locale          TEXT,
          link_base       TEXT,
          joined          INTEGER NOT NULL DEFAULT 0 CHECK (joined IN (0, 1)),
          next_position   INTEGER NOT NULL DEFAULT 0,
          expires_at      TEXT NOT NULL,
          conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE
        ) STRICT;
        CREATE INDEX directline_conversations_by_customer ON directline_conversations (customer_id);
        CREATE INDEX directline_conversations_by_expiry ON directline_conversations (expires_at);
        CREATE INDEX directline_conversations_by_conversation ON directline_conversations (conversation_id) WHERE conversation_id IS NOT NULL;

        CREATE TABLE directline_tokens (
          token_hash    TEXT PRIMARY KEY,
          directline_id TEXT NOT NULL REFERENCES directline_conversations (id) ON DELETE CASCADE,
          expires_at    TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX directline_tokens_by_conversation ON directline_tokens (directline_id);
        CREATE INDEX directline_tokens_by_expiry ON directline_tokens (expires_at);

        CREATE TABLE directline_activities (
          directline_id TEXT NOT NULL REFERENCES directline_conversations (id) ON DELETE CASCADE,
          position      INTEGER NOT NULL,
          activity      TEXT NOT NULL CHECK (json_valid(activity)),
          PRIMARY KEY (directline_id, position)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
];

/** The schema version this code writes: the last migration's. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
