import { performance } from 'node:perf_hooks';
import type { Config } from '../config/index.js';
import type { Article } from '../knowledge/index.js';
import type { SearchHit } from '../retrieval/index.js';
import { looksLikeFollowUp, sectionFor, topicCovers } from './context.js';
import { detectLanguage } from './language.js';
import { buildCatalogs, fill, type MessageCatalog, type MessageKey, type MessageOverrides } from './messages.js';
import { matchPhrases, pickOption, type PhraseMatch } from './phrases.js';
import { decideFromHits, type Thresholds } from './policy.js';
import { citationOf, trimSection, type Reply } from './render.js';
import { MAX_TURNS_KEPT, type ConversationState, type ConversationStore } from './state.js';
import type { Decision, EngineEvent, KnowledgeSearch, TurnInput, TurnResult, UsedArticle } from './types.js';

export interface EngineOptions {
  search: KnowledgeSearch;
  store: ConversationStore;
  locales: { default: string; supported: readonly string[] };
  thresholds: Thresholds;
  messages?: MessageOverrides;
  company: string;
  helpCenterUrl?: string;
  maxReplyChars: number;
  inactivityMinutes: number;
  /** Receives every event as it happens (outcomes, handoff); they are also returned with the turn. */
  onEvent?: (event: EngineEvent) => void;
  now?: () => Date;
}

/** The engine's settings from the configuration; the search, store and event sink are the caller's. */
export function engineSettings(config: Config): Omit<EngineOptions, 'search' | 'store' | 'onEvent' | 'now'> {
  return {
    locales: config.locales, thresholds: config.dialogue.thresholds, messages: config.dialogue.messages,
    company: config.company.name, maxReplyChars: config.dialogue.maxReplyChars, inactivityMinutes: config.dialogue.inactivityMinutes,
    ...(config.company.helpCenterUrl && { helpCenterUrl: config.company.helpCenterUrl }),
  };
}

/** What one turn is working out: the reply so far, the decision and what it used. */
interface Draft { state: ConversationState; catalog: MessageCatalog; replies: Reply[]; events: EngineEvent[]; articles: UsedArticle[] }

const RELATED_LIMIT = 3;
/** How much better another article must match a follow-up, on its own, to leave the conversation's topic. */
const TOPIC_SWITCH_MARGIN = 0.2;
/** "That didn't help" this many times in a row (or answers that found nothing) brings a person. */
const FAILURES_BEFORE_PERSON = 2;

/**
 * The conversation engine: a customer's message and conversation id in; replies, the decision and events out.
 * Every channel, the terminal chat and the evaluation call `handle` the same way.
 */
export class DialogueEngine {
  private readonly catalogs: Map<string, MessageCatalog>;
  private readonly now: () => Date;

  constructor(private readonly options: EngineOptions) {
    this.catalogs = buildCatalogs(options.messages);
    this.now = options.now ?? (() => new Date());
  }

  /** The welcome for a new conversation (Bot Framework's conversationUpdate), in its language. */
  welcome(locale?: string): Reply {
    const catalog = this.catalogFor(this.supported(locale) ?? this.options.locales.default);
    return { text: fill(catalog.welcome, { company: this.options.company }) };
  }

  /** The words renderReply needs, in a language. */
  labels(locale: string): { readMore: (link: string) => string; related: string } {
    const catalog = this.catalogFor(this.supported(locale) ?? this.options.locales.default);
    return { readMore: (link) => fill(catalog.readMore, { link }), related: catalog.related };
  }

  async handle(input: TurnInput): Promise<TurnResult> {
    const started = performance.now();
    const events: EngineEvent[] = [];
    const state = await this.stateFor(input, events);
    const text = input.text.trim();
    state.locale = this.languageOf(text, state.locale);
    const draft: Draft = { state, catalog: this.catalogFor(state.locale), replies: [], events, articles: [] };
    state.turns.push({ role: 'customer', text, at: this.now().toISOString() });

    const decision = await this.decide(text, draft);

    state.turns.push({
      role: 'bot', text: draft.replies.map((r) => r.text).join('\n\n'), at: this.now().toISOString(), decision,
      ...(draft.articles.length && { articleIds: draft.articles.map((a) => a.id) }),
    });
    state.turns = state.turns.slice(-MAX_TURNS_KEPT);
    state.updatedAt = this.now().toISOString();
    await this.options.store.save(state);
    this.emit(draft, {
      type: 'turn', conversationId: state.id, decision, locale: state.locale, articles: draft.articles,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
    return { conversationId: state.id, locale: state.locale, decision, replies: draft.replies, articles: draft.articles, events };
  }

  private async decide(text: string, draft: Draft): Promise<Decision> {
    const { state } = draft;
    if (!text) return this.say(draft, 'emptyMessage', 'smalltalk');
    const phrases = matchPhrases(text, state.locale);
    const pending = state.pending;
    state.pending = undefined;

    if (phrases.human) return this.handoff(draft, 'asked');

    if (pending?.kind === 'clarify') {
      const options = pending.options.map((id) => this.article(id)).filter((a): a is Article => !!a);
      const picked = pickOption(phrases.rest || text, options, state.locale);
      if (picked !== undefined) return this.answer(draft, options[picked]!, pending.query, 1);
    }

    if (pending?.kind === 'feedback' && (phrases.yes || phrases.no) && !phrases.rest) {
      this.emit(draft, { type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: !!phrases.yes });
      if (phrases.yes) {
        state.failures = 0;
        return this.say(draft, 'helpfulThanks', 'smalltalk');
      }
      return this.nextCandidate(draft, '');
    }
    if (phrases.notHelpful && (pending?.kind === 'feedback' || state.topic || !substantive(phrases))) {
      if (pending?.kind === 'feedback') {
        this.emit(draft, { type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: false });
      }
      return this.nextCandidate(draft, substantive(phrases) ? phrases.rest : '');
    }

    if (phrases.smalltalk && !substantive(phrases)) return this.smalltalk(draft, phrases);
    const query = phrases.rest || text;
    if (phrases.smalltalk === 'greeting') draft.replies.push({ text: draft.catalog.hello });
    return this.searchAndDecide(draft, query);
  }

  private async searchAndDecide(draft: Draft, query: string): Promise<Decision> {
    const { state } = draft;
    const topic = this.topicArticle(state);
    const filters = { locale: state.locale, ...(state.topic?.product && { product: state.topic.product }) };
    let result = await this.options.search.search(query, { locale: state.locale });
    let decision = decideFromHits(result.hits, this.options.thresholds);
    if (topic) {
      // A message on the current topic stays on it, unless on its own it clearly answers from another article:
      // "clearly" asks more of a message that reads like a follow-up ("¿y cuánto tarda?").
      const followUp = looksLikeFollowUp(query, state.locale);
      const elsewhere = decision.decision === 'answer' && decision.hit.article.id !== topic.id ? decision.hit : undefined;
      const contextual = await this.options.search.search(`${topic.title}. ${query}`, filters);
      const onTopic = contextual.hits.find((h) => h.article.id === topic.id);
      const leaves = !onTopic || (elsewhere && elsewhere.confidence >= onTopic.confidence + (followUp ? TOPIC_SWITCH_MARGIN : TOPIC_SWITCH_MARGIN / 4));
      if (!leaves && (followUp || topicCovers(topic, query))) {
        this.rememberCandidates(state, contextual.hits);
        state.failures = 0;
        return this.answer(draft, topic, query, onTopic.confidence, onTopic);
      }
    }
    this.rememberCandidates(state, result.hits);
    if (decision.decision === 'answer') {
      // A new question answered: the failures in a row end, and a new topic starts its own list of tries.
      state.failures = 0;
      if (decision.hit.article.id !== state.topic?.articleId) state.tried = [];
      return this.answer(draft, decision.hit.article, query, decision.hit.confidence, decision.hit);
    }
    if (decision.decision === 'clarify') return this.clarify(draft, decision.options, query);
    return this.fallback(draft, query, result.hits[0]?.confidence ?? 0);
  }

  /** Next candidates for "that didn't help": fair matches, not far behind the best one. */
  private rememberCandidates(state: ConversationState, hits: readonly SearchHit[]): void {
    const floor = Math.max(this.options.thresholds.clarify, (hits[0]?.confidence ?? 0) / 2);
    state.candidates = hits.filter((h) => h.confidence >= floor).map((h) => h.article.id);
  }

  /** The conversation's topic, in the customer's current language when a translation exists. */
  private topicArticle(state: ConversationState): Article | undefined {
    const article = state.topic && this.article(state.topic.articleId);
    if (!article || article.locale === state.locale || !article.topic) return article;
    return this.options.search.knowledge.published.find((a) => a.topic === article.topic && a.locale === state.locale) ?? article;
  }

  private answer(draft: Draft, article: Article, query: string, confidence: number, hit?: SearchHit): Decision {
    const { state, catalog } = draft;
    if (article.escalate) {
      draft.articles.push({ id: article.id, title: article.title, confidence });
      return this.handoff(draft, 'escalate', article.id);
    }
    const sameTopic = state.topic?.articleId === article.id;
    const shown = sameTopic ? state.topic!.shownSections : [];
    const section = sectionFor(article, query, shown, hit?.section ?? article.sections[0]!);
    const { markdown } = trimSection(section, this.options.maxReplyChars, this.options.helpCenterUrl);
    const related = article.related.map((id) => this.article(id)).filter((a): a is Article => !!a && a.locale === state.locale)
      .slice(0, RELATED_LIMIT).map((a) => ({ title: a.title, url: citationOf(a, a.sections[0]!, this.options.helpCenterUrl).url }));
    draft.replies.push({
      text: markdown || article.title,
      citation: citationOf(article, section, this.options.helpCenterUrl),
      ...(related.length && { related }),
    });
    draft.replies.push({ text: catalog.askHelpful, options: [{ label: catalog.yes, value: catalog.yes }, { label: catalog.no, value: catalog.no }] });
    draft.articles.push({ id: article.id, title: article.title, confidence, section: section.anchor });
    state.topic = { articleId: article.id, ...(article.product && { product: article.product }), shownSections: [...new Set([...shown, section.anchor])] };
    state.tried = [...new Set([...state.tried, article.id])];
    state.candidates = state.candidates.filter((id) => id !== article.id);
    state.pending = { kind: 'feedback', articleId: article.id, anchor: section.anchor };
    return 'answer';
  }

  private clarify(draft: Draft, options: SearchHit[], query: string): Decision {
    const { state, catalog } = draft;
    draft.replies.push({
      text: catalog.clarify,
      options: options.map((o) => ({ label: o.article.title, value: o.article.title })),
      hint: catalog.clarifyHint,
    });
    for (const o of options) draft.articles.push({ id: o.article.id, title: o.article.title, confidence: o.confidence });
    state.pending = { kind: 'clarify', options: options.map((o) => o.article.id), query };
    return 'clarify';
  }

  private fallback(draft: Draft, text: string, bestConfidence: number): Decision {
    const { state, catalog } = draft;
    state.failures++;
    draft.replies.push({ text: `${catalog.fallback} ${catalog.fallbackHint}` });
    this.emit(draft, { type: 'unanswered', conversationId: state.id, text, locale: state.locale, bestConfidence });
    return 'fallback';
  }

  /**
   * "That didn't help": what the customer added, searched among articles not tried yet; else the next candidate;
   * and after a second failure in a row, a person.
   */
  private async nextCandidate(draft: Draft, added: string): Promise<Decision> {
    const { state, catalog } = draft;
    state.failures++;
    if (state.failures >= FAILURES_BEFORE_PERSON) return this.handoff(draft, 'failures');
    const usable = (a: Article | undefined): a is Article => !!a && !a.escalate && !state.tried.includes(a.id);
    let next: Article | undefined;
    let confidence = 0;
    if (added) {
      const topic = this.topicArticle(state);
      const { hits } = await this.options.search.search(topic ? `${topic.title}. ${added}` : added, { locale: state.locale });
      const hit = hits.find((h) => h.confidence >= this.options.thresholds.clarify && usable(h.article));
      if (hit) { next = hit.article; confidence = hit.confidence; }
    }
    next ??= state.candidates.map((id) => this.article(id)).find(usable);
    if (!next) return this.handoff(draft, 'failures');
    draft.replies.push({ text: catalog.notHelpfulNext });
    const lastQuery = [...state.turns].reverse().find((t, i) => t.role === 'customer' && i > 0)?.text ?? '';
    return this.answer(draft, next, added || lastQuery, confidence);
  }

  private handoff(draft: Draft, reason: 'asked' | 'escalate' | 'failures', articleId?: string): Decision {
    const { state, catalog } = draft;
    const key: MessageKey = reason === 'asked' ? 'handoffAsked' : reason === 'escalate' ? 'handoffEscalate' : 'handoffFailures';
    draft.replies.push({ text: catalog[key] });
    state.handedOff = { at: this.now().toISOString(), reason };
    this.emit(draft, { type: 'handoff', conversationId: state.id, reason, ...(articleId && { articleId }) });
    return 'handoff';
  }

  private smalltalk(draft: Draft, phrases: PhraseMatch): Decision {
    const key: MessageKey = phrases.smalltalk ?? 'greeting';
    return this.say(draft, key, 'smalltalk');
  }

  private say(draft: Draft, key: MessageKey, decision: Decision): Decision {
    draft.replies.push({ text: fill(draft.catalog[key], { company: this.options.company }) });
    return decision;
  }

  private emit(draft: Draft, event: EngineEvent): void {
    draft.events.push(event);
    this.options.onEvent?.(event);
  }

  private article(id: string): Article | undefined {
    const article = this.options.search.knowledge.byId.get(id);
    return article && article.status === 'published' ? article : undefined;
  }

  private async stateFor(input: TurnInput, events: EngineEvent[]): Promise<ConversationState> {
    const saved = await this.options.store.load(input.conversationId);
    const now = this.now();
    const expired = saved && now.getTime() - Date.parse(saved.updatedAt) > this.options.inactivityMinutes * 60_000;
    if (saved && !expired) return saved;
    if (saved) events.push({ type: 'conversationExpired', conversationId: saved.id, lastActivity: saved.updatedAt });
    const locale = this.supported(input.locale) ?? this.options.locales.default;
    const state: ConversationState = {
      id: input.conversationId, ...(input.customerId && { customerId: input.customerId }), channel: input.channel, locale,
      startedAt: now.toISOString(), updatedAt: now.toISOString(), turns: [], candidates: [], tried: [], failures: 0, emotion: [],
    };
    events.push({ type: 'conversationStarted', conversationId: state.id, ...(input.customerId && { customerId: input.customerId }), channel: input.channel, locale });
    return state;
  }

  /** The message's language when it shows one, else the conversation's: a customer may switch mid-conversation. */
  private languageOf(text: string, current: string): string {
    return detectLanguage(text, this.options.locales.supported)?.locale ?? current;
  }

  /** `es-ES` → `es` when supported. */
  private supported(locale: string | undefined): string | undefined {
    const base = locale?.toLowerCase().split(/[-_]/)[0];
    return base && this.options.locales.supported.includes(base) ? base : undefined;
  }

  private catalogFor(locale: string): MessageCatalog {
    return this.catalogs.get(locale) ?? this.catalogs.get(this.options.locales.default)!;
  }
}

/** Whether a message carries a question beyond its pleasantries. */
const substantive = (phrases: PhraseMatch) => phrases.rest.replace(/[^\p{L}\p{N}]+/gu, '').length > 0;
