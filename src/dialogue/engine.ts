import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/index.js';
import { loadLexicon, scoreMessage, trend, type Lexicon, type TrendOptions } from '../emotion/index.js';
import type { Article } from '../knowledge/index.js';
import type { SearchHit, SearchResult } from '../retrieval/index.js';
import { looksLikeFollowUp, sectionFor, topicCovers } from './context.js';
import { detectLanguage } from './language.js';
import { buildCatalogs, fill, type MessageCatalog, type MessageKey, type MessageOverrides } from './messages.js';
import { matchPhrases, pickOption, type PhraseMatch } from './phrases.js';
import { parseSurveyAnswer, surveyOptions } from './survey.js';
import { decideFromHits, type Thresholds } from './policy.js';
import { describeOpening } from './opening.js';
import { citationOf, trimSection, type Reply } from './render.js';
import { MAX_TURNS_KEPT, type ConversationState, type ConversationStore } from './state.js';
import type {
  Availability, Decision, EmotionReading, EngineEvent, HandoffReason, KnowledgeSearch, TurnInput, TurnResult, UsedArticle,
} from './types.js';

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
  emotion: EmotionPolicy;
  handoff: { afterFailures: number; expectedWaitMinutes: number };
  /** CSAT then CES (and an optional comment) after a resolution or an agent's handback; on by default. */
  surveys?: { enabled: boolean; comment: boolean };
  /** Whether the team is in (business hours); by default always. */
  availability?: (now: Date) => Availability;
  /** Receives every event once the turn is saved (outcomes, handoff); they are also returned with the turn. */
  onEvent?: (event: EngineEvent) => void;
  now?: () => Date;
}

export interface EmotionPolicy {
  /** The conversation's frustration (trend level) that brings a person. */
  handoffLevel: number;
  /** From this level on, the bot keeps answers short, apologises where it failed and offers a person. */
  mildLevel: number;
  /** How frustration adds up over messages, and what counts as rising (rising counts from `trend.risingThreshold`). */
  trend: Partial<TrendOptions>;
  /** Lexicons per locale, with the operator's additions; by default the shipped ones. */
  lexicons?: ReadonlyMap<string, Lexicon>;
}

/** The engine's settings from the configuration; the search, store and event sink are the caller's. */
export function engineSettings(config: Config): Omit<EngineOptions, 'search' | 'store' | 'onEvent' | 'now' | 'availability'> {
  const { emotion, handoff } = config;
  return {
    locales: config.locales, thresholds: config.dialogue.thresholds, messages: config.dialogue.messages,
    company: config.company.name, maxReplyChars: config.dialogue.maxReplyChars, inactivityMinutes: config.dialogue.inactivityMinutes,
    ...(config.company.helpCenterUrl && { helpCenterUrl: config.company.helpCenterUrl }),
    emotion: {
      handoffLevel: emotion.handoffLevel, mildLevel: emotion.mildLevel,
      trend: { threshold: emotion.handoffLevel, window: emotion.rising.window, minRise: emotion.rising.minRise, risingThreshold: emotion.rising.level },
      lexicons: new Map(Object.entries(emotion.lexicons).map(([locale, file]) => [locale, loadLexicon(locale, path.resolve(config.root, file))])),
    },
    handoff: { afterFailures: handoff.afterFailures, expectedWaitMinutes: handoff.expectedWaitMinutes },
    surveys: { enabled: config.surveys.enabled, comment: config.surveys.comment },
  };
}

/** What one turn is working out: the reply so far, the decision and what it used. */
interface Draft {
  state: ConversationState; catalog: MessageCatalog; replies: Reply[]; events: EngineEvent[]; articles: UsedArticle[];
  emotion: EmotionReading & { frustrated: boolean };
  /** The message says the bot's last reply did not help: an answer to it does not end the failures in a row. */
  complaint?: boolean;
  /** Set when this turn hands the conversation to the team; the event goes out once the turn is recorded. */
  handoff?: { reason: HandoffReason; articleId?: string };
}

const RELATED_LIMIT = 3;
/** How much better another article must match a follow-up, on its own, to leave the conversation's topic. */
const TOPIC_SWITCH_MARGIN = 0.2;
/** A follow-up stays on the topic when, read with the conversation, the topic is this close to the best match. */
const TOPIC_STICKINESS = 0.1;
/** A message that keeps this share of the topic's match, read with the conversation, belongs to the topic. */
const KEEPS_TOPIC = 0.75;
/** Share of the usual reply length kept for a customer who is losing patience. */
const SHORT_REPLY = 0.6;

/**
 * The conversation engine: a customer's message and conversation id in; replies, the decision and events out.
 * Every channel, the terminal chat and the evaluation call `handle` the same way.
 */
export class DialogueEngine {
  private readonly catalogs: Map<string, MessageCatalog>;
  private readonly now: () => Date;
  private readonly running = new Map<string, Promise<void>>();

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

  /** One customer message. Messages of one conversation are handled one at a time, in the order they came. */
  handle(input: TurnInput): Promise<TurnResult> {
    return this.inOrder(input.conversationId, () => this.handleNow(input));
  }

  private async handleNow(input: TurnInput): Promise<TurnResult> {
    const started = performance.now();
    const events: EngineEvent[] = [];
    const state = await this.stateFor(input, events);
    const text = input.text.trim();
    state.locale = this.languageOf(text, state.locale);
    const emotion = this.readEmotion(text, state);
    const draft: Draft = { state, catalog: this.catalogFor(state.locale), replies: [], events, articles: [], emotion };
    const at = this.now().toISOString();
    state.turns.push({ role: 'customer', text, at, ...(text && { frustration: emotion.score }) });

    const decision = state.handedOff?.status === 'assigned' ? this.relay(draft, text) : await this.decide(text, draft);

    const botText = draft.replies.map((r) => r.text).join('\n\n');
    if (draft.replies.length) {
      state.turns.push({
        role: 'bot', text: botText, at: this.now().toISOString(), decision,
        ...(draft.articles.length && { articleIds: draft.articles.map((a) => a.id) }),
      });
    }
    if (draft.handoff) {
      this.emit(draft, {
        type: 'handoff', conversationId: state.id, ...(state.customerId && { customerId: state.customerId }), channel: state.channel,
        locale: state.locale, reason: draft.handoff.reason, ...(draft.handoff.articleId && { articleId: draft.handoff.articleId }),
        emotion: readingOf(emotion), failures: state.failures, transcript: structuredClone(state.turns),
      });
    }
    state.turns = state.turns.slice(-MAX_TURNS_KEPT);
    state.updatedAt = this.now().toISOString();
    this.emit(draft, {
      type: 'turn', conversationId: state.id, ...(state.customerId && { customerId: state.customerId }), channel: state.channel,
      locale: state.locale, customerText: text, botText, decision, articles: draft.articles,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000, emotion: readingOf(emotion),
    });
    await this.options.store.save(state);
    this.deliver(events);
    return { conversationId: state.id, locale: state.locale, decision, replies: draft.replies, articles: draft.articles, events };
  }

  /** The frustration of this message and of the conversation so far; the score is kept in the state. */
  private readEmotion(text: string, state: ConversationState): Draft['emotion'] {
    if (!text) {
      const level = trend(state.emotion, this.options.emotion.trend);
      return { score: 0, level: level.level, rising: level.rising, reasons: [], frustrated: level.frustrated };
    }
    const earlier = state.turns.filter((t) => t.role === 'customer').map((t) => t.text);
    const lexicon = this.options.emotion.lexicons?.get(state.locale);
    const message = scoreMessage(text, state.locale, earlier, lexicon ? { lexicon } : {});
    state.emotion = [...state.emotion, message.score].slice(-MAX_TURNS_KEPT);
    const level = trend(state.emotion, this.options.emotion.trend);
    return {
      score: message.score, level: level.level, rising: level.rising, frustrated: level.frustrated,
      reasons: message.reasons.map((r) => ({ kind: r.kind, match: r.match, weight: r.weight })),
    };
  }

  /** While a person has the conversation the bot says nothing: the message goes to them. */
  private relay(draft: Draft, text: string): Decision {
    if (text) this.emit(draft, { type: 'relayed', conversationId: draft.state.id, text });
    return 'handoff';
  }

  private async decide(text: string, draft: Draft): Promise<Decision> {
    const { state } = draft;
    if (!text) return this.say(draft, 'emptyMessage', 'smalltalk');
    const phrases = matchPhrases(text, state.locale);
    const pending = state.pending;
    state.pending = undefined;

    if (pending?.kind === 'survey') {
      const surveyed = this.surveyAnswer(draft, pending.step, text);
      if (surveyed) return surveyed;
    }
    if (phrases.human || draft.emotion.reasons.some((r) => r.kind === 'askedForPerson')) return this.handoff(draft, 'asked');
    // Frustration hands off when this message adds to it: a calm "ok, ¿y cuánto cuesta?" after an outburst is
    // answered, and so is "ya funciona, gracias".
    // "That didn't help" is counted as a failure already; as frustration it needs more than the words themselves.
    const { mildLevel, handoffLevel } = this.options.emotion;
    const upsetNow = draft.emotion.score >= (phrases.notHelpful ? handoffLevel : mildLevel) && !phrases.resolved && !phrases.yes;
    if (draft.emotion.frustrated && upsetNow && !state.handedOff) return this.handoff(draft, 'frustration');

    if (pending?.kind === 'clarify') {
      const options = pending.options.map((id) => this.article(id)).filter((a): a is Article => !!a);
      const picked = pickOption(phrases.rest || text, options, state.locale);
      if (picked !== undefined) return this.answer(draft, options[picked]!, pending.query, 1);
    }

    if (pending?.kind === 'feedback' && (phrases.yes || phrases.no) && !phrases.rest) {
      this.emit(draft, { type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: !!phrases.yes });
      if (phrases.yes) {
        state.failures = 0;
        this.say(draft, 'helpfulThanks', 'smalltalk');
        this.askSurvey(draft);
        return 'smalltalk';
      }
      return this.nextCandidate(draft, '');
    }
    if (phrases.notHelpful && (pending?.kind === 'feedback' || state.topic || !substantive(phrases))) {
      if (pending?.kind === 'feedback') {
        this.emit(draft, { type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: false });
      }
      return this.nextCandidate(draft, substantive(phrases) ? phrases.rest : '');
    }
    // "That didn't help" after options or a fallback is a failure too; what they add is searched, as a complaint.
    if (phrases.notHelpful) {
      state.failures++;
      if (state.failures >= this.options.handoff.afterFailures) return this.handoff(draft, 'failures');
      draft.complaint = true;
    }

    if (phrases.resolved && (pending || state.topic)) {
      // "Ya funciona, gracias": the last answer did it (whatever else they tell about how).
      if (pending?.kind === 'feedback') {
        this.emit(draft, { type: 'feedback', conversationId: state.id, articleId: pending.articleId, section: pending.anchor, helpful: true });
      }
      state.failures = 0;
      this.say(draft, 'helpfulThanks', 'smalltalk');
      if (!phrases.rest.includes('?')) {
        this.askSurvey(draft);
        return 'smalltalk';
      }
    }

    if (phrases.smalltalk && !substantive(phrases)) {
      const decision = this.smalltalk(draft, phrases);
      // Leaving after an answer ("gracias, adiós"): the moment to ask how it went.
      if ((phrases.smalltalk === 'goodbye' || phrases.smalltalk === 'thanks') && state.turns.some((t) => t.decision === 'answer')) this.askSurvey(draft);
      return decision;
    }
    const query = phrases.rest || text;
    if (phrases.smalltalk === 'greeting') draft.replies.push({ text: draft.catalog.hello });
    return this.searchAndDecide(draft, query);
  }

  private async searchAndDecide(draft: Draft, query: string): Promise<Decision> {
    const { state } = draft;
    const alone = await this.options.search.search(query, { locale: state.locale });
    if (state.handedOff) {
      // Waiting for the team: a new question with a clear answer is answered meanwhile; anything else is for the
      // person who will take the case, who sees it there.
      const own = decideFromHits(alone.hits, this.options.thresholds);
      if (own.decision === 'answer' && !own.hit.article.escalate) return this.answer(draft, own.hit.article, query, own.hit.confidence, own.hit);
      this.emit(draft, { type: 'relayed', conversationId: state.id, text: query });
      return this.handoff(draft, state.handedOff.reason as HandoffReason);
    }
    const { result, stay, context } = state.topic ? await this.withContext(state, query, alone) : { result: alone };
    if (stay) {
      this.rememberCandidates(state, result.hits);
      if (!draft.complaint) state.failures = 0;
      return this.answer(draft, stay.article, query, stay.confidence, stay, context);
    }
    return this.decideOn(draft, query, result, context);
  }

  /**
   * With a topic going on, the message is also read together with what the customer said about it: a follow-up
   * ("¿y cuánto tarda?", "what about abroad?") is understood through those words, and a message that on its own
   * clearly asks about something else starts fresh. "Clearly" asks more of a message that reads like a follow-up.
   */
  private async withContext(state: ConversationState, query: string, alone: SearchResult): Promise<{ result: SearchResult; stay?: SearchHit; context?: string }> {
    const context = contextOf(state, this.topicArticle(state));
    if (!context) return { result: alone };
    const filters = { locale: state.locale, ...(state.topic?.product && { product: state.topic.product }) };
    const together = await this.options.search.search(`${context} ${query}`, filters);
    const best = together.hits[0];
    if (!best) return { result: alone };
    const followUp = looksLikeFollowUp(query, state.locale);
    const own = alone.hits[0];
    const ownIsClear = !!own && decideFromHits(alone.hits, this.options.thresholds).decision === 'answer';
    const margin = followUp ? TOPIC_SWITCH_MARGIN : TOPIC_SWITCH_MARGIN / 4;
    if (ownIsClear && own.article.id !== best.article.id && own.confidence >= best.confidence + margin) return { result: alone };
    // A topic a person handles holds no answers: any question the bot can answer on its own is answered meanwhile.
    if (ownIsClear && this.article(state.topic!.articleId)?.escalate) return { result: alone };
    const topic = together.hits.find((h) => this.sameTopic(h.article, state.topic!.articleId));
    // A full question that the topic's section do not speak to, and that dilutes the topic's match instead of
    // sharpening it, is a new one ("¿quién ganó el madrid ayer?"), even when on its own it matches nothing well.
    if (!followUp && !topic) return { result: alone };
    if (!followUp && topic && !topicCovers(topic.article, query)) {
      const before = (await this.options.search.search(context, filters)).hits.find((h) => h.article.id === topic.article.id);
      if (!before || topic.confidence < before.confidence * KEEPS_TOPIC) return { result: alone };
    }
    // The conversation already settled on the topic: a follow-up it answers needs only a fair match to stay there.
    const floor = followUp ? this.options.thresholds.clarify : this.options.thresholds.answer;
    const sticks = topic && topic.confidence >= floor && topic.confidence >= best.confidence - TOPIC_STICKINESS;
    return { result: together, context, ...(sticks && { stay: topic }) };
  }

  /** Whether an article is the topic's, or its translation. */
  private sameTopic(article: Article, topicId: string): boolean {
    if (article.id === topicId) return true;
    const topic = this.article(topicId);
    return !!topic?.topic && topic.topic === article.topic;
  }

  private decideOn(draft: Draft, query: string, result: SearchResult, context?: string): Promise<Decision> | Decision {
    const { state } = draft;
    const decision = decideFromHits(result.hits, this.options.thresholds);
    this.rememberCandidates(state, result.hits);
    if (decision.decision === 'answer') {
      // A new question answered: the failures in a row end, and a new topic starts its own list of tries.
      if (!draft.complaint) state.failures = 0;
      if (decision.hit.article.id !== state.topic?.articleId) state.tried = [];
      return this.answer(draft, decision.hit.article, query, decision.hit.confidence, decision.hit, context);
    }
    if (decision.decision === 'clarify') return this.clarify(draft, decision.options, query);
    return this.fallback(draft, query, result.hits[0]?.confidence ?? 0);
  }

  /** Next candidates for "that didn't help": fair matches, not far behind the best one. */
  private rememberCandidates(state: ConversationState, hits: readonly SearchHit[]): void {
    const floor = Math.max(this.options.thresholds.clarify, (hits[0]?.confidence ?? 0) / 2);
    state.candidates = hits.filter((h) => h.confidence >= floor).map((h) => ({ id: h.article.id, confidence: h.confidence }));
  }

  /** The conversation's topic, in the customer's current language when a translation exists. */
  private topicArticle(state: ConversationState): Article | undefined {
    const article = state.topic && this.article(state.topic.articleId);
    if (!article || article.locale === state.locale || !article.topic) return article;
    return this.options.search.knowledge.published.find((a) => a.topic === article.topic && a.locale === state.locale) ?? article;
  }

  /** `context`: the conversation's words that led to this article along with `query`, when they did. */
  private answer(draft: Draft, article: Article, query: string, confidence: number, hit?: SearchHit, context?: string): Decision {
    const { state, catalog } = draft;
    const sameTopic = state.topic?.articleId === article.id;
    if (article.escalate) {
      draft.articles.push({ id: article.id, title: article.title, confidence });
      // The topic stays, so that more questions about it go to the same person instead of a weaker article.
      state.topic = { articleId: article.id, shownSections: [], query: sameTopic ? state.topic!.query ?? query : query, locale: state.locale };
      return this.handoff(draft, 'escalate', article.id);
    }
    const shown = sameTopic ? state.topic!.shownSections : [];
    const section = sectionFor(article, query, shown, hit?.section ?? article.sections[0]!);
    // A customer losing patience gets it shorter, an apology where the bot already failed, and a person on offer.
    const impatient = draft.emotion.level >= this.options.emotion.mildLevel;
    const length = impatient ? Math.round(this.options.maxReplyChars * SHORT_REPLY) : this.options.maxReplyChars;
    const { markdown } = trimSection(section, length, this.options.helpCenterUrl);
    if (impatient && (state.failures > 0 || draft.complaint) && !draft.replies.length) draft.replies.push({ text: catalog.apology });
    const related = article.related.map((id) => this.article(id)).filter((a): a is Article => !!a && a.locale === state.locale)
      .slice(0, RELATED_LIMIT).map((a) => ({ title: a.title, url: citationOf(a, a.sections[0]!, this.options.helpCenterUrl).url }));
    draft.replies.push({
      text: markdown || article.title,
      citation: citationOf(article, section, this.options.helpCenterUrl),
      ...(related.length && { related }),
    });
    draft.replies.push({
      text: impatient ? `${catalog.askHelpful} ${catalog.offerPerson}` : catalog.askHelpful,
      options: [{ label: catalog.yes, value: catalog.yes }, { label: catalog.no, value: catalog.no }],
    });
    draft.articles.push({ id: article.id, title: article.title, confidence, section: section.anchor });
    state.topic = {
      articleId: article.id, ...(article.product && { product: article.product }),
      shownSections: [...new Set([...shown, section.anchor])],
      query: sameTopic && state.topic!.locale === state.locale ? state.topic!.query : lastWords(context ? `${context} ${query}` : query),
      locale: state.locale,
    };
    state.tried = [...new Set([...state.tried, article.id])];
    state.candidates = state.candidates.filter((c) => c.id !== article.id);
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
    if (state.failures >= this.options.handoff.afterFailures) return this.handoff(draft, 'failures');
    const usable = (a: Article | undefined): a is Article => !!a && !a.escalate && !state.tried.includes(a.id);
    let next: Article | undefined;
    let confidence = 0;
    if (added) {
      const context = contextOf(state, this.topicArticle(state));
      const { hits } = await this.options.search.search(`${context} ${added}`.trim(), { locale: state.locale });
      const hit = hits.find((h) => h.confidence >= this.options.thresholds.clarify && usable(h.article));
      if (hit) { next = hit.article; confidence = hit.confidence; }
    }
    if (!next) {
      const candidate = state.candidates.find((c) => usable(this.article(c.id)));
      if (candidate) { next = this.article(candidate.id); confidence = candidate.confidence; }
    }
    // Then what the writers linked from the article that did not help: the usual next step for the same problem.
    next ??= this.topicArticle(state)?.related.map((id) => this.article(id))
      .find((a) => usable(a) && a.locale === state.locale);
    if (!next) return this.handoff(draft, 'failures');
    draft.replies.push({ text: catalog.notHelpfulNext });
    const lastQuery = [...state.turns].reverse().find((t, i) => t.role === 'customer' && i > 0)?.text ?? '';
    return this.answer(draft, next, added || lastQuery, confidence);
  }

  /**
   * Passes the conversation to the team: acknowledges why in the customer's language (the feeling first, when they
   * are upset), says what happens next and roughly when, and queues it once.
   */
  private handoff(draft: Draft, reason: HandoffReason, articleId?: string): Decision {
    const { state, catalog } = draft;
    if (state.handedOff) {
      // Already in the team's queue: say so again rather than queue the customer twice.
      draft.replies.push({ text: catalog.handoffWaiting });
      return 'handoff';
    }
    // A calm request for a person is not met with "I understand this is frustrating": only other signs count.
    const feelings = draft.emotion.reasons.some((r) => r.kind !== 'askedForPerson');
    const upset = reason === 'frustration' || (reason !== 'escalate' && feelings && draft.emotion.level >= this.options.emotion.mildLevel);
    const key: MessageKey = upset ? 'handoffFrustrated' : reason === 'asked' ? 'handoffAsked' : reason === 'escalate' ? 'handoffEscalate' : 'handoffFailures';
    draft.replies.push({ text: `${catalog[key]} ${this.whatHappensNext(catalog, state.locale)}` });
    state.handedOff = { at: this.now().toISOString(), reason, status: 'waiting' };
    state.pending = undefined;
    draft.handoff = { reason, ...(articleId && { articleId }) };
    return 'handoff';
  }

  private whatHappensNext(catalog: MessageCatalog, locale: string): string {
    const now = this.now();
    const team = this.options.availability?.(now) ?? { open: true, timeZone: 'UTC' };
    if (team.open) return fill(catalog.handoffNextOpen, { minutes: String(this.options.handoff.expectedWaitMinutes) });
    if (!team.nextOpen) return catalog.handoffNoHours;
    const when = describeOpening(team.nextOpen, now, team.timeZone, locale,
      { today: catalog.whenToday, tomorrow: catalog.whenTomorrow, weekday: catalog.whenWeekday });
    return fill(catalog.handoffNextClosed, { when });
  }

  /** A person of the team has taken the conversation: from now on the bot only passes messages on. */
  async agentJoined(conversationId: string, agentId: string): Promise<void> {
    await this.inOrder(conversationId, async () => {
      const state = await this.options.store.load(conversationId);
      if (!state?.handedOff) return;
      state.handedOff = { ...state.handedOff, status: 'assigned', agentId };
      await this.options.store.save(state);
    });
  }

  /** What an agent wrote to the customer, kept in the conversation as theirs (the channel delivers it). */
  async agentSaid(conversationId: string, agentId: string, text: string): Promise<void> {
    await this.inOrder(conversationId, async () => {
      const state = await this.options.store.load(conversationId);
      if (!state) return;
      state.turns = [...state.turns, { role: 'agent' as const, text, at: this.now().toISOString(), agentId }].slice(-MAX_TURNS_KEPT);
      state.updatedAt = this.now().toISOString();
      await this.options.store.save(state);
    });
  }

  /**
   * The agent gives the conversation back (`resolved` when they solved it): the bot takes over again, with a fresh
   * count of failures and frustration, and says so to the customer. Returns what to deliver on the customer's channel.
   */
  async resume(conversationId: string, options: { agentId?: string; resolved: boolean }): Promise<TurnResult | undefined> {
    return this.inOrder(conversationId, async () => {
      const state = await this.options.store.load(conversationId);
      if (!state?.handedOff) return undefined;
      const events: EngineEvent[] = [];
      const catalog = this.catalogFor(state.locale);
      const draft: Draft = {
        state, catalog, replies: [], events, articles: [], emotion: { score: 0, level: 0, rising: false, reasons: [], frustrated: false },
      };
      state.handedOff = undefined;
      state.failures = 0;
      state.emotion = [];
      state.topic = undefined;
      state.pending = undefined;
      this.emit(draft, { type: 'handedBack', conversationId, ...(options.agentId && { agentId: options.agentId }), resolved: options.resolved });
      draft.replies.push({ text: catalog.backFromAgent });
      this.askSurvey(draft);
      const text = draft.replies.map((r) => r.text).join('\n\n');
      state.turns = [...state.turns, { role: 'bot' as const, text, at: this.now().toISOString(), decision: 'smalltalk' as const }].slice(-MAX_TURNS_KEPT);
      state.updatedAt = this.now().toISOString();
      await this.options.store.save(state);
      this.deliver(events);
      return { conversationId, locale: state.locale, decision: 'smalltalk' as const, replies: draft.replies, articles: [], events };
    });
  }

  /** The customer or the channel closed the conversation; the next message starts a new one. */
  async end(conversationId: string, by: 'customer' | 'channel' = 'customer'): Promise<boolean> {
    return this.inOrder(conversationId, async () => {
      const state = await this.options.store.load(conversationId);
      if (!state || state.endedAt) return false;
      state.endedAt = this.now().toISOString();
      await this.options.store.save(state);
      this.deliver([{ type: 'conversationEnded', at: state.endedAt, conversationId, by }]);
      return true;
    });
  }

  /** Offers the survey (CSAT first) once per conversation, when surveys are on. */
  private askSurvey(draft: Draft): void {
    const { state, catalog } = draft;
    if (!(this.options.surveys?.enabled ?? true) || state.surveyed) return;
    state.surveyed = true;
    draft.replies.push({ text: catalog.surveyCsat, options: surveyOptions('csat', state.locale), hint: catalog.surveyHint });
    state.pending = { kind: 'survey', step: 'csat' };
  }

  /**
   * The customer's answer to a survey question: recorded, then the next question (CES after CSAT, then the optional
   * comment). Anything that is not an answer ends the survey and is handled as a new message (undefined).
   */
  private surveyAnswer(draft: Draft, step: 'csat' | 'ces' | 'comment', text: string): Decision | undefined {
    const { state, catalog } = draft;
    const kind = step === 'comment' ? 'ces' : step;
    const answer = parseSurveyAnswer(text, kind, state.locale, { comment: step === 'comment' });
    if (!answer) return undefined;
    if ('skip' in answer) {
      this.emit(draft, { type: 'survey', conversationId: state.id, kind, skipped: true });
      return this.say(draft, 'surveyThanks', 'smalltalk');
    }
    if (step === 'comment' || !('score' in answer)) {
      this.emit(draft, { type: 'survey', conversationId: state.id, kind, comment: 'comment' in answer ? answer.comment! : text });
      return this.say(draft, 'surveyThanks', 'smalltalk');
    }
    this.emit(draft, { type: 'survey', conversationId: state.id, kind, score: answer.score, ...(answer.comment && { comment: answer.comment }) });
    if (step === 'csat') {
      draft.replies.push({ text: catalog.surveyCes, options: surveyOptions('ces', state.locale) });
      state.pending = { kind: 'survey', step: 'ces' };
      return 'smalltalk';
    }
    if ((this.options.surveys?.comment ?? true) && !answer.comment) {
      draft.replies.push({ text: catalog.surveyComment });
      state.pending = { kind: 'survey', step: 'comment' };
      return 'smalltalk';
    }
    return this.say(draft, 'surveyThanks', 'smalltalk');
  }

  private smalltalk(draft: Draft, phrases: PhraseMatch): Decision {
    const key: MessageKey = phrases.smalltalk ?? 'greeting';
    return this.say(draft, key, 'smalltalk');
  }

  private say(draft: Draft, key: MessageKey, decision: Decision): Decision {
    draft.replies.push({ text: fill(draft.catalog[key], { company: this.options.company }) });
    return decision;
  }

  /** Records an event of this turn, stamped now; it reaches the listener once the turn is saved. */
  private emit(draft: Draft, event: DistributiveOmit<EngineEvent, 'at'>): void {
    draft.events.push({ ...event, at: this.now().toISOString() } as EngineEvent);
  }

  private deliver(events: readonly EngineEvent[]): void {
    for (const event of events) this.options.onEvent?.(event);
  }

  /** Runs one conversation's work after whatever is running for it, so two messages never race on its state. */
  private inOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.running.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(() => undefined, () => undefined);
    this.running.set(conversationId, settled);
    void settled.then(() => { if (this.running.get(conversationId) === settled) this.running.delete(conversationId); });
    return next;
  }

  private article(id: string): Article | undefined {
    const article = this.options.search.knowledge.byId.get(id);
    return article && article.status === 'published' ? article : undefined;
  }

  private async stateFor(input: TurnInput, events: EngineEvent[]): Promise<ConversationState> {
    const saved = await this.options.store.load(input.conversationId);
    const now = this.now();
    // A conversation with the team does not expire: the customer may wait there for the next opening.
    const expired = saved && !saved.handedOff && now.getTime() - Date.parse(saved.updatedAt) > this.options.inactivityMinutes * 60_000;
    if (saved && !expired && !saved.endedAt) return saved;
    if (saved && !saved.endedAt) events.push({ type: 'conversationExpired', at: now.toISOString(), conversationId: saved.id, lastActivity: saved.updatedAt });
    const locale = this.supported(input.locale) ?? this.options.locales.default;
    const state: ConversationState = {
      id: input.conversationId, ...(input.customerId && { customerId: input.customerId }), channel: input.channel, locale,
      startedAt: now.toISOString(), updatedAt: now.toISOString(), turns: [], candidates: [], tried: [], failures: 0, emotion: [],
    };
    events.push({ type: 'conversationStarted', at: now.toISOString(), conversationId: state.id, ...(input.customerId && { customerId: input.customerId }), channel: input.channel, locale });
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

/**
 * What the customer said about the current topic: the question that opened it, and their last message when that
 * was a question too. Their own words, not the article's title: they name what the customer cares about. After a
 * switch of language their words would not match the new one's, so the topic's title and questions stand in.
 */
function contextOf(state: ConversationState, topic: Article | undefined): string {
  if (!state.topic) return '';
  if ((state.topic.locale ?? state.locale) !== state.locale) return topic ? [topic.title, ...topic.questions.slice(0, 2)].join('. ') : '';
  const customer = state.turns.filter((t) => t.role === 'customer');
  const previous = customer.at(-2);
  const asked = previous && state.turns[state.turns.indexOf(previous) + 1]?.decision === 'answer';
  return [...new Set([state.topic.query ?? '', ...(asked ? [previous.text] : [])])].join(' ').trim();
}

/** The end of a long context, so that a long conversation does not drown each new message. */
function lastWords(text: string): string {
  return text.split(/\s+/).slice(-CONTEXT_WORDS).join(' ');
}

const CONTEXT_WORDS = 40;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const readingOf = ({ score, level, rising, reasons }: EmotionReading): EmotionReading => ({ score, level, rising, reasons });

/** Whether a message carries a question beyond its pleasantries. */
const substantive = (phrases: PhraseMatch) => phrases.rest.replace(/[^\p{L}\p{N}]+/gu, '').length > 0;
