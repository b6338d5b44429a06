import type { Article } from '../knowledge/index.js';
import type { SearchHit, SearchResult } from '../retrieval/index.js';
import type { Articles } from './articles.js';
import { hasFollowUpMarker, looksLikeFollowUp, topicCovers } from './context.js';
import type { EngineOptions } from './options.js';
import { decideFromHits } from './policy.js';
import type { ConversationState } from './state.js';

/** How much better another article must match a follow-up, on its own, to leave the conversation's topic. */
const TOPIC_SWITCH_MARGIN = 0.2;
/** A follow-up stays on the topic when, read with the conversation, the topic is this close to the best match. */
const TOPIC_STICKINESS = 0.1;
/** A message that keeps this share of the topic's match, read with the conversation, belongs to the topic. */
const KEEPS_TOPIC = 0.75;
const CONTEXT_WORDS = 40;
/** A short message matching this well on its own, and not the topic at all, is a question of its own. */
const STANDS_ALONE = 0.7;

/** A message read with the topic: the search to decide on, the topic's hit when it stays, and the words it was read with. */
export interface TopicReading { result: SearchResult; stay?: SearchHit; context?: string }

export class FollowUpReader {
  constructor(private readonly options: EngineOptions, private readonly articles: Articles) {}

  /**
   * With a topic going on, the message is also read together with what the customer said about it: a follow-up
   * ("¿y cuánto tarda?", "what about abroad?") is understood through those words, and a message that on its own
   * clearly asks about something else starts fresh. "Clearly" asks more of a message that reads like a follow-up.
   */
  async read(state: ConversationState, query: string, alone: SearchResult): Promise<TopicReading> {
    const context = contextOf(state, this.articles.topicOf(state));
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
    // Short is not enough to be a follow-up: "I forgot my password" during a talk about roaming clearly answers on
    // its own, does not even find the topic, and nothing in it ("and", "that") points back.
    const current = this.articles.topicOf(state);
    const topicAlone = !!current && alone.hits.some((h) => this.sameTopic(h.article, current.id));
    const standsAlone = ownIsClear && own.confidence >= STANDS_ALONE && !hasFollowUpMarker(query, state.locale);
    if (standsAlone && followUp && current && !topicAlone && !topicCovers(current, query)) {
      return { result: alone };
    }
    // A topic a person handles holds no answers: any question the bot can answer on its own is answered meanwhile.
    if (ownIsClear && this.articles.get(state.topic!.articleId)?.escalate) return { result: alone };
    const topic = together.hits.find((h) => this.sameTopic(h.article, state.topic!.articleId));
    // A full question that the topic's sections do not speak to, and that dilutes the topic's match instead of
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
    const topic = this.articles.get(topicId);
    return !!topic?.topic && topic.topic === article.topic;
  }
}

/**
 * What the customer said about the current topic: the question that opened it, and their last message when that
 * was a question too. Their own words, not the article's title: they name what the customer cares about. After a
 * switch of language their words would not match the new one's, so the topic's title and questions stand in.
 */
export function contextOf(state: ConversationState, topic: Article | undefined): string {
  if (!state.topic) return '';
  if ((state.topic.locale ?? state.locale) !== state.locale) return topic ? [topic.title, ...topic.questions.slice(0, 2)].join('. ') : '';
  const customer = state.turns.filter((t) => t.role === 'customer');
  const previous = customer.at(-2);
  const asked = previous && state.turns[state.turns.indexOf(previous) + 1]?.decision === 'answer';
  return [...new Set([state.topic.query ?? '', ...(asked ? [previous.text] : [])])].join(' ').trim();
}

/** The end of a long context, so that a long conversation does not drown each new message. */
export function lastWords(text: string): string {
  return text.split(/\s+/).slice(-CONTEXT_WORDS).join(' ');
}
