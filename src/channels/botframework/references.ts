import type { ConversationReference } from 'botbuilder';
import type { ReferenceSink } from './bot.js';

export interface StoredReference {
  reference: Partial<ConversationReference>;
  linkBase?: string;
}

/**
 * Where conversation references are kept, so an agent's reply reaches a Teams or Emulator conversation after a
 * restart too (src/store/references.ts keeps them in SQLite).
 */
export interface ReferenceStore extends ReferenceSink {
  get(conversationId: string): StoredReference | undefined;
}
