import { EventEmitter } from 'node:events';
import { retrievalSettings, type Config } from '../config/index.js';
import type { Reply } from '../dialogue/render.js';
import type { EngineEvent } from '../dialogue/types.js';
import { applyRetention } from '../privacy/index.js';
import { LiveRetrieval } from '../retrieval/index.js';
import { openStore, type Store } from '../store/index.js';
import { describeModel, describeReload } from '../retrieval/describe.js';
import { composeBot, type Bot } from './compose.js';
import type { DeskEvent } from '../handoff/index.js';

/** A message for a customer that no request of theirs is waiting for: an agent's reply, the bot taking over again. */
export interface Delivery {
  conversationId: string;
  channel: string;
  from: 'agent' | 'bot';
  agentId?: string;
  replies: Reply[];
  locale?: string;
  at: string;
}

/** Where the runtime reports; `fields` are structured data for the log line (ids, decisions, timings: never texts). */
export interface RuntimeLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Everything the server's routes share: the live search, the store, the bot (engine, desk, recorder), and events
 * (`delivery` for the channels, `desk` for the agent console). Created at once, so the server answers health checks
 * while `start()` builds the index; routes that need the bot answer 503 until `ready`.
 */
export class Runtime {
  ready = false;
  readonly events = new EventEmitter();
  /** The clock of the bot and its housekeeping (tests set it). */
  readonly now: () => Date;
  private parts?: { live: LiveRetrieval; store: Store; bot: Bot; timers: NodeJS.Timeout[] };
  private starting?: { live: LiveRetrieval; done: Promise<void> };
  private closed = false;

  constructor(readonly config: Config, private readonly log: RuntimeLog, options: { now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
  }

  get live(): LiveRetrieval { return this.started().live; }
  get store(): Store { return this.started().store; }
  get bot(): Bot { return this.started().bot; }

  /**
   * Builds the index (when missing or stale; then it follows edits to the knowledge folder), opens the store, and
   * starts the housekeeping: conversations that went idle get their outcome every minute, and data past
   * `privacy.retentionDays` is deleted at start and daily. Called again, returns the same promise.
   */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the runtime was closed'));
    if (this.starting) return this.starting.done;
    const { config, log } = this;
    const knowledge = { dir: config.knowledge.dir, locales: config.locales, maxFileBytes: config.knowledge.maxFileBytes };
    const live = new LiveRetrieval({
      knowledge, retrieval: retrievalSettings(config),
      onReload: (reload) => { for (const line of describeReload(reload, knowledge.dir, (f) => f)) log.info(line); },
      onError: (message) => log.warn(message),
    });
    this.starting = { live, done: this.begin(live) };
    return this.starting.done;
  }

  private async begin(live: LiveRetrieval): Promise<void> {
    const build = await live.start();
    // Stopped while the index was being built: nothing else is opened.
    if (this.closed) return;
    for (const line of describeModel(build.model)) this.log.info(line);
    const { articles } = build.retriever.size;
    this.log.info(`search: ${build.retriever.mode}, ${articles} published article${articles === 1 ? '' : 's'}`);
    const store = openStore({ dataDir: this.config.data.dir });
    const bot = composeBot({
      config: this.config, search: live, store, now: this.now,
      onEngineEvent: (event) => this.onEngineEvent(event), onDeskEvent: (event) => this.onDeskEvent(event),
    });
    this.parts = { live, store, bot, timers: [setInterval(() => this.closeIdle(), MINUTE), setInterval(() => this.retention(), DAY)] };
    for (const timer of this.parts.timers) timer.unref();
    this.retention();
    this.ready = true;
  }

  /**
   * Stops the timers and the watcher, lets the turns in flight finish, records what ended, and closes the store
   * (its write-ahead log written back into the database file). During start(), waits for the index build under way.
   */
  async close(): Promise<void> {
    this.ready = false;
    this.closed = true;
    if (!this.parts) {
      await this.starting?.live.close();
      await this.starting?.done.catch(() => undefined);
    }
    const parts = this.parts;
    if (!parts) return;
    this.parts = undefined;
    for (const timer of parts.timers) clearInterval(timer);
    await parts.live.close();
    await parts.bot.engine.idle();
    try { parts.bot.recorder.closeIdle(this.now()); } finally { parts.store.close(); }
  }

  /** One structured line per turn and handoff, for operators: ids, decisions and timings, never what was said. */
  private onEngineEvent(event: EngineEvent): void {
    if (event.type === 'turn') {
      this.log.info('turn', {
        conversationId: event.conversationId, channel: event.channel, locale: event.locale, decision: event.decision,
        articles: event.articles.map((a) => a.id), frustration: event.emotion.level, latencyMs: event.latencyMs,
      });
    } else if (event.type === 'handoff') {
      this.log.info('handoff', { conversationId: event.conversationId, channel: event.channel, reason: event.reason });
    }
  }

  private onDeskEvent(event: DeskEvent): void {
    this.events.emit('desk', event);
    if (event.type === 'agentMessage') {
      this.events.emit('delivery', {
        conversationId: event.conversationId, channel: event.channel, from: 'agent', agentId: event.agentId,
        replies: [{ text: event.text }], at: event.at,
      } satisfies Delivery);
    } else if (event.type === 'botResumed') {
      this.events.emit('delivery', {
        conversationId: event.conversationId, channel: event.channel, from: 'bot', replies: event.turn.replies,
        locale: event.turn.locale, at: this.now().toISOString(),
      } satisfies Delivery);
    }
  }

  private closeIdle(): void {
    try {
      this.parts?.bot.recorder.closeIdle(this.now());
    } catch (error) {
      this.log.error(`closing idle conversations failed: ${(error as Error).message}`);
    }
  }

  private retention(): void {
    const days = this.config.privacy.retentionDays;
    if (days === null || !this.parts) return;
    try {
      const deleted = applyRetention(this.parts.store.erasure, { retentionDays: days, now: this.now() });
      if (Object.values(deleted).some((n) => n > 0)) this.log.info(`retention: deleted ${JSON.stringify(deleted)} (older than ${days} days)`);
    } catch (error) {
      this.log.error(`retention failed: ${(error as Error).message}`);
    }
  }

  private started() {
    if (!this.parts) throw new Error('the server is still starting');
    return this.parts;
  }
}
