import type { ServerResponse } from 'node:http';
import type { DeskEvent } from '../../handoff/index.js';
import type { Redactor } from '../../privacy/index.js';
import { caseRow } from './cases.js';

/** What the console hears, as server-sent events: the event name is the desk event's type. */
export type ConsoleEvent =
  | { type: 'handoffCreated' | 'handoffUpdated'; data: { handoff: ReturnType<typeof caseRow> } }
  | { type: 'customerMessage'; data: { handoffId: string; text: string; at: string } }
  | { type: 'agentMessage'; data: { handoffId: string; agentId: string; text: string; at: string } }
  | { type: 'botResumed'; data: { handoffId: string } };

/**
 * The desk's events for agents. The desk gives agents' replies as written (they are delivered to the customer
 * that way); agents see them as stored, redacted, like everything else in the console.
 */
export function consoleEvent(event: DeskEvent, redact: Redactor): ConsoleEvent {
  switch (event.type) {
    case 'handoffCreated':
    case 'handoffUpdated':
      return { type: event.type, data: { handoff: caseRow(event.handoff) } };
    case 'customerMessage':
      return { type: event.type, data: { handoffId: event.handoffId, text: event.text, at: event.at } };
    case 'agentMessage':
      return { type: event.type, data: { handoffId: event.handoffId, agentId: event.agentId, text: redact(event.text), at: event.at } };
    case 'botResumed':
      return { type: event.type, data: { handoffId: event.handoffId } };
  }
}

const HEARTBEAT_MS = 20_000;

/**
 * Open event streams and the one desk listener that feeds them all (one listener whatever the number of agents).
 * A heartbeat comment keeps proxies from closing an idle stream.
 */
export class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly redact: Redactor) {}

  readonly onDeskEvent = (event: DeskEvent): void => {
    if (!this.clients.size) return;
    const { type, data } = consoleEvent(event, this.redact);
    this.broadcast(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  open(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // The client reconnects by itself after a network cut; a few seconds is soon enough to see new cases.
    response.write('retry: 3000\n: connected\n\n');
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
    this.heartbeat ??= setInterval(() => this.broadcast(': ping\n\n'), HEARTBEAT_MS).unref();
  }

  get size(): number { return this.clients.size; }

  closeAll(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) client.write(chunk);
  }
}
