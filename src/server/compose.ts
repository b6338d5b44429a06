import { engineSettings, type Config } from '../config/index.js';
import { DialogueEngine } from '../dialogue/engine.js';
import type { EngineEvent, KnowledgeSearch } from '../dialogue/types.js';
import { availability, HandoffDesk, type DeskEvent } from '../handoff/index.js';
import { createOutcomeRecorder, type OutcomeRecorder } from '../outcomes/index.js';
import { createRedactor, type Redactor } from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { errorLine, safely } from '../util/errors.js';

export interface Bot {
  engine: DialogueEngine;
  desk: HandoffDesk;
  /** Records turns, feedback, surveys, gaps and outcomes from the engine's events. */
  recorder: OutcomeRecorder;
  /** The configured redaction, for anything else written down (logs). */
  redact: Redactor;
}

export interface ComposeOptions {
  config: Config;
  search: KnowledgeSearch;
  store: Store;
  /** Every engine event, after the desk has seen it (outcomes, logs). */
  onEngineEvent?: (event: EngineEvent) => void;
  /** What agents and channels need to hear about (new cases, agent replies to deliver). */
  onDeskEvent?: (event: DeskEvent) => void;
  /** Where a listener's failure is reported, in one line; standard error by default. */
  log?: (line: string) => void;
  now?: () => Date;
}

/**
 * The bot as every entry point runs it (server, terminal chat): the engine on the store, with business hours, and
 * the handoff desk listening to it. One place, so that the chat behaves exactly like production.
 */
export function composeBot({ config, search, store, onEngineEvent, onDeskEvent, now, log }: ComposeOptions): Bot {
  const onError = (who: string, event: EngineEvent, error: unknown) =>
    (log ?? ((line) => process.stderr.write(`${line}\n`)))(`${who} failed on a ${event.type} event of conversation ${event.conversationId}: ${errorLine(error)}`);
  const hours = config.handoff.hours;
  const redact = createRedactor(config.privacy.redact);
  const recorder = createOutcomeRecorder(store.outcomes, {
    inactivityMinutes: config.dialogue.inactivityMinutes, redact, lowConfidenceBelow: config.dialogue.thresholds.answer,
  });
  let desk: HandoffDesk | undefined;
  const engine = new DialogueEngine({
    ...engineSettings(config), search, store: store.conversations, ...(now && { now }),
    availability: (at) => availability(hours, at),
    redact,
    handoffOpen: (conversationId) => !!store.handoffs.openFor(conversationId),
    // Each listener on its own: one that fails (a full disk, say) is reported and keeps none of the others from
    // hearing the event; the customer's turn, already saved, goes on.
    onEvent: (event) => {
      // The desk first: a handoff's case exists before anything else hears of it.
      safely(() => desk?.onEngineEvent(event), (error) => onError('the handoff desk', event, error));
      safely(() => recorder.onEvent(event), (error) => onError('the outcome recorder', event, error));
      safely(() => onEngineEvent?.(event), (error) => onError('a listener', event, error));
    },
  });
  desk = new HandoffDesk({
    repository: store.handoffs, engine, redact, ...(now && { now }), ...(onDeskEvent && { onEvent: onDeskEvent }),
    titleOf: (id) => search.knowledge.byId.get(id)?.title,
  });
  return { engine, desk, recorder, redact };
}
