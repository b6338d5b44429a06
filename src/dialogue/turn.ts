import type { TurnEmotion } from './feelings.js';
import { fill, type MessageCatalog, type MessageKey } from './messages.js';
import type { Reply } from './render.js';
import type { ConversationState } from './state.js';
import type { EngineEvent, HandoffReason, UsedArticle } from './types.js';

/** What one turn is working out: the reply so far, the decision and what it used. */
export class Turn {
  readonly replies: Reply[] = [];
  readonly articles: UsedArticle[] = [];
  /** The message says the bot's last reply did not help: an answer to it does not end the failures in a row. */
  complaint = false;
  /** Set when this turn hands the conversation to the team; the event goes out once the turn is recorded. */
  handoff?: { reason: HandoffReason; articleId?: string };

  /** `events`: what already happened before the turn began (the conversation started or expired). */
  constructor(
    readonly state: ConversationState,
    readonly catalog: MessageCatalog,
    readonly emotion: TurnEmotion,
    private readonly context: { company: string; now: () => Date },
    readonly events: EngineEvent[] = [],
  ) {}

  /** A message of the catalog, with the company's name filled in. */
  say(key: MessageKey): void {
    this.replies.push({ text: fill(this.catalog[key], { company: this.context.company }) });
  }

  reply(reply: Reply): void {
    this.replies.push(reply);
  }

  /** Records an event of this turn, stamped now; it reaches the listener once the turn is saved. */
  emit(event: DistributiveOmit<EngineEvent, 'at'>): void {
    this.events.push({ ...event, at: this.now().toISOString() } as EngineEvent);
  }

  now(): Date {
    return this.context.now();
  }

  /** Everything the bot said in this turn, as one message. */
  get text(): string {
    return this.replies.map((r) => r.text).join('\n\n');
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
