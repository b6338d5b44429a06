import type { Config } from '../config/index.js';
import { DialogueEngine, engineSettings } from '../dialogue/engine.js';
import type { EngineEvent, KnowledgeSearch } from '../dialogue/types.js';
import { availability, HandoffDesk, type DeskEvent } from '../handoff/index.js';
import type { Store } from '../store/index.js';

export interface Bot {
  engine: DialogueEngine;
  desk: HandoffDesk;
}

export interface ComposeOptions {
  config: Config;
  search: KnowledgeSearch;
  store: Store;
  /** Every engine event, after the desk has seen it (outcomes, logs). */
  onEngineEvent?: (event: EngineEvent) => void;
  /** What agents and channels need to hear about (new cases, agent replies to deliver). */
  onDeskEvent?: (event: DeskEvent) => void;
  now?: () => Date;
}

/**
 * The bot as every entry point runs it (server, terminal chat): the engine on the store, with business hours, and
 * the handoff desk listening to it. One place, so that the chat behaves exactly like production.
 */
export function composeBot({ config, search, store, onEngineEvent, onDeskEvent, now }: ComposeOptions): Bot {
  const hours = config.handoff.hours;
  let desk: HandoffDesk | undefined;
  const engine = new DialogueEngine({
    ...engineSettings(config), search, store: store.conversations, ...(now && { now }),
    availability: (at) => availability(hours, at),
    onEvent: (event) => {
      desk?.onEngineEvent(event);
      onEngineEvent?.(event);
    },
  });
  desk = new HandoffDesk({
    repository: store.handoffs, engine, ...(now && { now }), ...(onDeskEvent && { onEvent: onDeskEvent }),
    titleOf: (id) => search.knowledge.byId.get(id)?.title,
  });
  return { engine, desk };
}
