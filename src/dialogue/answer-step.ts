import type { Article } from '../knowledge/index.js';
import type { SearchHit, SearchResult } from '../retrieval/index.js';
import type { Articles } from './articles.js';
import { sectionFor } from './context.js';
import { contextOf, lastWords } from './follow-up.js';
import type { HandoffStep } from './handoff-step.js';
import type { EngineOptions } from './options.js';
import { decideFromHits } from './policy.js';
import { readingsOfVagueQuestion } from './vagueness.js';
import { citationOf, trimSection } from './render.js';
import type { ConversationState } from './state.js';
import type { Turn } from './turn.js';
import type { Decision } from './types.js';

const RELATED_LIMIT = 3;
/** Share of the usual reply length kept for a customer who is losing patience. */
const SHORT_REPLY = 0.6;

/** What the bot does with a search: answer from an article, ask which one, admit it has none, or try the next one. */
export class AnswerStep {
  constructor(private readonly options: EngineOptions, private readonly articles: Articles, private readonly handoff: HandoffStep) {}

  decideOn(turn: Turn, query: string, result: SearchResult, context?: string): Promise<Decision> | Decision {
    const { state } = turn;
    const decision = decideFromHits(result.hits, this.options.thresholds);
    this.rememberCandidates(state, result.hits);
    // A sure ranker on a question that names a topic several articles share ("contraseña") asks which one.
    const vague = decision.decision === 'answer' ? readingsOfVagueQuestion(query, state.locale, result.hits) : undefined;
    if (vague) return this.clarify(turn, vague, query);
    if (decision.decision === 'answer') {
      // A new question answered: the failures in a row end, and a new topic starts its own list of tries.
      if (!turn.complaint) state.failures = 0;
      if (decision.hit.article.id !== state.topic?.articleId) state.tried = [];
      return this.answer(turn, decision.hit.article, query, decision.hit.confidence, decision.hit, context);
    }
    if (decision.decision === 'clarify') return this.clarify(turn, decision.options, query);
    return this.fallback(turn, query, result.hits[0]?.confidence ?? 0);
  }

  /** Next candidates for "that didn't help": fair matches, not far behind the best one. */
  rememberCandidates(state: ConversationState, hits: readonly SearchHit[]): void {
    const floor = Math.max(this.options.thresholds.clarify, (hits[0]?.confidence ?? 0) / 2);
    state.candidates = hits.filter((h) => h.confidence >= floor).map((h) => ({ id: h.article.id, confidence: h.confidence }));
  }

  /** `context`: the conversation's words that led to this article along with `query`, when they did. */
  answer(turn: Turn, article: Article, query: string, confidence: number, hit?: SearchHit, context?: string): Decision {
    const { state, catalog } = turn;
    const sameTopic = state.topic?.articleId === article.id;
    if (article.escalate) {
      turn.articles.push({ id: article.id, title: article.title, confidence });
      // The topic stays, so that more questions about it go to the same person instead of a weaker article.
      state.topic = {
        articleId: article.id, ...(article.product && { product: article.product }), shownSections: [],
        query: sameTopic ? state.topic!.query ?? this.kept(query) : this.kept(lastWords(context ? `${context} ${query}` : query)), locale: state.locale,
      };
      return this.handoff.handOff(turn, 'escalate', article.id);
    }
    const shown = sameTopic ? state.topic!.shownSections : [];
    const section = sectionFor(article, query, shown, hit?.section ?? article.sections[0]!);
    // A customer losing patience gets it shorter, an apology where the bot already failed, and a person on offer.
    const impatient = turn.emotion.level >= this.options.emotion.mildLevel;
    const length = impatient ? Math.round(this.options.maxReplyChars * SHORT_REPLY) : this.options.maxReplyChars;
    const { markdown } = trimSection(section, length, this.options.helpCenterUrl);
    if (impatient && (state.failures > 0 || turn.complaint) && !turn.replies.length) turn.reply({ text: catalog.apology });
    const related = article.related.map((id) => this.articles.get(id)).filter((a): a is Article => !!a && a.locale === state.locale)
      .slice(0, RELATED_LIMIT).map((a) => ({ title: a.title, url: citationOf(a, a.sections[0]!, this.options.helpCenterUrl).url }));
    turn.reply({
      text: markdown || article.title,
      citation: citationOf(article, section, this.options.helpCenterUrl),
      ...(related.length && { related }),
    });
    turn.reply({
      text: impatient ? `${catalog.askHelpful} ${catalog.offerPerson}` : catalog.askHelpful,
      options: [{ label: catalog.yes, value: catalog.yes }, { label: catalog.no, value: catalog.no }],
    });
    turn.articles.push({ id: article.id, title: article.title, confidence, section: section.anchor });
    state.topic = {
      articleId: article.id, ...(article.product && { product: article.product }),
      shownSections: [...new Set([...shown, section.anchor])],
      query: sameTopic && state.topic!.locale === state.locale ? state.topic!.query : this.kept(lastWords(context ? `${context} ${query}` : query)),
      locale: state.locale,
    };
    state.tried = [...new Set([...state.tried, article.id])];
    state.candidates = state.candidates.filter((c) => c.id !== article.id);
    state.pending = { kind: 'feedback', articleId: article.id, anchor: section.anchor };
    return 'answer';
  }

  clarify(turn: Turn, options: SearchHit[], query: string): Decision {
    const { state, catalog } = turn;
    turn.reply({
      // One fair candidate is a "did you mean", not a choice among several.
      text: options.length === 1 ? catalog.clarifyOne : catalog.clarify,
      options: options.map((o) => ({ label: o.article.title, value: o.article.title })),
      hint: catalog.clarifyHint,
    });
    for (const o of options) turn.articles.push({ id: o.article.id, title: o.article.title, confidence: o.confidence });
    state.pending = { kind: 'clarify', options: options.map((o) => o.article.id), query: this.kept(query), confidences: options.map((o) => o.confidence) };
    return 'clarify';
  }

  /** A customer's words as the conversation keeps them: without personal data. */
  private kept(text: string): string {
    return this.options.redact?.(text) ?? text;
  }

  fallback(turn: Turn, text: string, bestConfidence: number): Decision {
    const { state, catalog } = turn;
    state.failures++;
    turn.emit({ type: 'unanswered', conversationId: state.id, text, locale: state.locale, bestConfidence });
    // Questions it cannot answer, one after another, also bring a person: one more than answers that did not help,
    // since each "no answer" already offers one.
    if (state.failures > this.options.handoff.afterFailures) return this.handoff.handOff(turn, 'failures');
    turn.reply({ text: `${catalog.fallback} ${catalog.fallbackHint}` });
    return 'fallback';
  }

  /**
   * "That didn't help": what the customer added, searched among articles not tried yet; else the next candidate;
   * and after a second failure in a row, a person.
   */
  async nextCandidate(turn: Turn, added: string): Promise<Decision> {
    const { state, catalog } = turn;
    state.failures++;
    if (state.failures >= this.options.handoff.afterFailures) return this.handoff.handOff(turn, 'failures');
    const usable = (a: Article | undefined): a is Article => !!a && !a.escalate && !state.tried.includes(a.id);
    let next: Article | undefined;
    let confidence = 0;
    if (added) {
      const context = contextOf(state, this.articles.topicOf(state));
      const { hits } = await this.options.search.search(`${context} ${added}`.trim(), { locale: state.locale });
      const hit = hits.find((h) => h.confidence >= this.options.thresholds.clarify && usable(h.article));
      if (hit) { next = hit.article; confidence = hit.confidence; }
    }
    if (!next) {
      const candidate = state.candidates.find((c) => usable(this.articles.get(c.id)));
      if (candidate) { next = this.articles.get(candidate.id); confidence = candidate.confidence; }
    }
    // Then what the writers linked from the article that did not help: the usual next step for the same problem.
    next ??= this.articles.topicOf(state)?.related.map((id) => this.articles.get(id))
      .find((a) => usable(a) && a.locale === state.locale);
    if (!next) return this.handoff.handOff(turn, 'failures');
    if (!confidence) {
      // Found through the article's links: its confidence is the one it has for what the customer asked.
      const { hits } = await this.options.search.search(state.topic?.query || added, { locale: state.locale });
      confidence = hits.find((h) => h.article.id === next!.id)?.confidence ?? 0;
    }
    turn.reply({ text: catalog.notHelpfulNext });
    // The section is picked for what the customer asked about the topic, not for their bare "no".
    return this.answer(turn, next, added || state.topic?.query || '', confidence);
  }
}
