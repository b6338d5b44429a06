import type { Article, KnowledgeBase, Section } from '../knowledge/index.js';
import { LexicalIndex, type LexicalMatch } from './lexical.js';
import type { SearchFilters, SearchHit, SearchResult } from './types.js';
import type { Embedder } from './types.js';
import { calibrate, calibrationKey, DEFAULT_CALIBRATION, scaleFor, type Calibration } from './calibration.js';
import type { VectorIndex } from './vector-index.js';

/** Semantic search, when a model is available: the embedder for queries and the index of passages. */
export interface DenseSearch { embedder: Embedder; index: VectorIndex; weight: number }

/** Scores within this much are a tie, and an official article then ranks above a forum answer. */
const TIE = 0.02;

/** Ranks articles for a query: one confidence per article and the best section to cite. */
export class Retriever {
  private readonly articles = new Map<string, Article>();
  private readonly articleIndex: LexicalIndex;
  private readonly sectionIndex: LexicalIndex;

  /** `calibration: false` leaves confidences raw (for fitting a calibration). */
  /** What the model scores unrelated texts: similarity above it is the evidence. */
  private readonly unrelated: number;

  constructor(readonly knowledge: KnowledgeBase, private readonly dense?: DenseSearch,
    private readonly calibration: Calibration | false = DEFAULT_CALIBRATION) {
    this.unrelated = dense ? Math.min(0.95, Math.max(0, dense.index.unrelatedSimilarity())) : 0;
    const published = knowledge.published;
    for (const article of published) this.articles.set(article.id, article);
    this.articleIndex = new LexicalIndex(published.map((a) => ({
      key: a.id,
      locale: a.locale,
      fields: [
        { text: a.title, weight: 2 },
        ...a.questions.map((q) => ({ text: q, weight: 1 })),
        ...a.sections.map((s) => ({ text: `${s.anchor ? s.heading : ''}\n${s.text}`, weight: 1 })),
      ],
    })));
    this.sectionIndex = new LexicalIndex(published.flatMap((a) => a.sections.map((s) => ({
      key: sectionKey(a, s),
      locale: a.locale,
      group: a.id,
      fields: [{ text: s.anchor ? s.heading : '', weight: 2 }, { text: s.text, weight: 1 }],
    }))));
  }

  get size(): { articles: number; sections: number } {
    return { articles: this.articles.size, sections: this.sectionIndex.size };
  }

  /** The sentence model in use, if any, and the languages it understands. */
  get semanticModel(): { id: string; locales?: readonly string[] } | undefined {
    return this.dense && { id: this.dense.embedder.id, ...(this.dense.embedder.locales && { locales: this.dense.embedder.locales }) };
  }

  /** True when the model's scores go through a calibration fitted for another model (or none at all). */
  get semanticCalibrationIsGeneric(): boolean {
    if (!this.dense) return false;
    const id = this.dense.embedder.id;
    return !Object.keys(this.calibration || {}).some((key) => key.startsWith(`${id}/`));
  }

  get mode(): string {
    return this.dense ? `lexical+${this.dense.embedder.id}` : 'lexical';
  }

  async search(query: string, filters: SearchFilters = {}, limit = 10): Promise<SearchResult> {
    const matches = this.articleIndex.search(query, filters.locales);
    const top = matches[0]?.score ?? 0;
    const lexical = new Map(matches.map((m) => [m.key, m]));
    const denseLocales = this.dense?.embedder.locales;
    const semantic = !!this.dense && (!filters.locale || !denseLocales || denseLocales.includes(filters.locale));
    const dense = semantic ? await this.denseScores(query) : new Map<string, number>();
    const weight = semantic ? this.dense!.weight : 0;
    let hits: SearchHit[] = [];
    for (const id of new Set([...lexical.keys(), ...dense.keys()])) {
      const article = this.articles.get(id);
      if (!article || !passes(article, filters)) continue;
      if (filters.locales && !filters.locales.includes(article.locale)) continue;
      const match = lexical.get(id);
      const lexicalScore = match ? lexicalConfidence(match, top) : 0;
      const similarity = dense.get(id);
      // Articles the model cannot read are judged by words alone; the others lose the semantic share they missed.
      const readable = !denseLocales || denseLocales.includes(article.locale);
      const fused = semantic && readable;
      const evidence = Math.max(0, ((similarity ?? 0) - this.unrelated) / (1 - this.unrelated));
      const raw = Math.min(1, Math.max(0, fused ? (1 - weight) * lexicalScore + weight * evidence : lexicalScore));
      const key = calibrationKey(fused ? this.dense!.embedder.id : 'lexical', article.locale);
      const scale = this.calibration ? scaleFor(this.calibration, key, fused) : undefined;
      hits.push({
        article, section: article.sections[0]!, confidence: calibrate(raw, scale),
        signals: { raw, calibration: key, lexical: match?.score ?? 0, coverage: match?.coverage ?? 0, ...(similarity !== undefined && { dense: similarity }) },
      });
    }
    hits = preferLocale(hits, filters.locale);
    hits.sort((a, b) => compareHits(a, b));
    hits = hits.slice(0, limit);
    this.pickSections(query, hits);
    return { hits, mode: semantic ? this.mode : 'lexical' };
  }

  /** Best cosine similarity per article over its passages, title and alternate questions. */
  private async denseScores(query: string): Promise<Map<string, number>> {
    const scores = new Map<string, number>();
    if (!this.dense) return scores;
    const [vector] = await this.dense.embedder.embed([query], 'query');
    for (const { item, similarity } of this.dense.index.search(vector!, 50)) {
      if (!this.articles.has(item.articleId)) continue;
      scores.set(item.articleId, Math.max(scores.get(item.articleId) ?? -1, similarity));
    }
    return scores;
  }

  /** The section that answers: the best lexical match inside the article, else its introduction. */
  private pickSections(query: string, hits: SearchHit[]): void {
    if (!hits.length) return;
    const wanted = new Set(hits.map((h) => h.article.locale));
    const best = new Map<string, { section: string; score: number }>();
    for (const match of this.sectionIndex.search(query, [...wanted], new Set(hits.map((h) => h.article.id)))) {
      const [articleId = '', anchor = ''] = splitSectionKey(match.key);
      if (!best.has(articleId)) best.set(articleId, { section: anchor, score: match.score });
    }
    for (const hit of hits) {
      const anchor = best.get(hit.article.id)?.section;
      const section = anchor === undefined ? undefined : hit.article.sections.find((s) => s.anchor === anchor);
      // A forum thread is always cited by its served answer, never by the question it started with.
      if (hit.article.forum) hit.section = hit.article.forum.served.section;
      else if (section) hit.section = section;
    }
  }
}

function lexicalConfidence(match: LexicalMatch, top: number): number {
  const relative = top > 0 ? match.score / top : 0;
  return match.coverage * Math.sqrt(relative);
}

function passes(article: Article, filters: SearchFilters): boolean {
  if (filters.product && article.product && article.product !== filters.product) return false;
  if (filters.audience && article.audience && article.audience !== filters.audience) return false;
  return true;
}

/** Translations of one topic count once: the customer's language wins, with the better of the two confidences. */
export function preferLocale(hits: SearchHit[], locale: string | undefined): SearchHit[] {
  const byTopic = new Map<string, SearchHit>();
  const out: SearchHit[] = [];
  for (const hit of hits) {
    const topic = hit.article.topic;
    if (!topic) { out.push(hit); continue; }
    const seen = byTopic.get(topic);
    if (!seen) { byTopic.set(topic, hit); out.push(hit); continue; }
    const keep = locale && hit.article.locale === locale && seen.article.locale !== locale ? hit : seen;
    const merged = { ...keep, confidence: Math.max(hit.confidence, seen.confidence) };
    out[out.indexOf(seen)] = merged;
    byTopic.set(topic, merged);
  }
  return out;
}

function compareHits(a: SearchHit, b: SearchHit): number {
  if (Math.abs(a.confidence - b.confidence) <= TIE) {
    const forum = Number(a.article.type === 'forum') - Number(b.article.type === 'forum');
    if (forum) return forum;
  }
  return b.confidence - a.confidence;
}

const sectionKey = (article: Article, section: Section) => `${article.id}\u0000${section.anchor}`;
const splitSectionKey = (key: string) => key.split('\u0000') as [string, string];
