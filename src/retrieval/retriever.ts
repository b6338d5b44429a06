import type { Article, KnowledgeBase, Section } from '../knowledge/index.js';
import { articleDoc } from './article-docs.js';
import {
  candidateTopics, denseEvidence, denseScale, lexicalConfidence, LEXICAL_SCALE,
  type Candidate, type CandidateSources, type EvidenceScale, type QueryEvidence,
} from './candidates.js';
import { LexicalIndex } from './lexical.js';
import type { SearchFilters, SearchHit, SearchResult } from './types.js';
import type { Embedder } from './types.js';
import { calibrate, calibrationKey, DEFAULT_CALIBRATION, scaleFor, type Calibration } from './calibration.js';
import { candidateScore, fuse } from './fusion.js';
import { DENSE_NEIGHBOURS, type Ranker, type RankerDense } from './ranker.js';
import { StaticModel } from './static-model.js';
import type { VectorIndex } from './vector-index.js';
import { WordTranslator } from './word-translator.js';

/** Semantic search, when a model is available: the embedder for queries and the index of passages. */
export interface DenseSearch { embedder: Embedder; index: VectorIndex; weight: number }

/** Scores within this much are a tie, and an official article then ranks above a forum answer. */
const TIE = 0.02;

/** Ranks articles for a query: one confidence per article and the best section to cite. */
export class Retriever {
  private readonly articles = new Map<string, Article>();
  private readonly articleIndex: LexicalIndex;
  private readonly sectionIndex: LexicalIndex;
  /** The languages articles are written in. */
  private readonly articleLocales: ReadonlySet<string>;
  /** With the bilingual model: a question in a language no article is in gets the articles' words too. */
  private readonly translator?: WordTranslator;

  /** How similarities read: above what the model scores unrelated texts, for articles the model reads. */
  readonly evidenceScale: EvidenceScale;

  /**
   * `ranker` (trained on this knowledge base, see buildRetrieval) ranks topics and gives the confidence; without
   * it, the fused lexical and semantic score goes through the fixed `calibration` (`false` leaves confidences
   * raw, for fitting a calibration).
   */
  constructor(readonly knowledge: KnowledgeBase, private readonly dense?: DenseSearch,
    private readonly calibration: Calibration | false = DEFAULT_CALIBRATION, private rankerInUse?: Ranker) {
    this.evidenceScale = dense ? denseScale(dense.index, dense.embedder.locales) : LEXICAL_SCALE;
    const published = knowledge.published;
    for (const article of published) this.articles.set(article.id, article);
    this.articleLocales = new Set(published.map((a) => a.locale));
    const bilingual = dense && bilingualModelOf(dense.embedder);
    if (bilingual) this.translator = new WordTranslator(bilingual, published);
    this.articleIndex = new LexicalIndex(published.map((a) => articleDoc(a)));
    this.sectionIndex = new LexicalIndex(published.flatMap((a) => a.sections.map((s) => ({
      key: sectionKey(a, s),
      locale: a.locale,
      group: a.id,
      fields: [{ text: s.anchor ? s.heading : '', weight: 2 }, { text: s.text, weight: 1 }],
    }))));
  }

  /**
   * Readies what the first question in a language no article is written in needs (the translation vocabulary), when
   * the model reads such a language; called once the index is built, so that no customer waits for it.
   */
  prepare(): void {
    const locales = this.dense?.embedder.locales;
    if (this.translator && locales?.some((l) => !this.articleLocales.has(l))) this.translator.prepare();
  }

  get size(): { articles: number; sections: number } {
    return { articles: this.articles.size, sections: this.sectionIndex.size };
  }

  /** The sentence model in use, if any, and the languages it understands. */
  get semanticModel(): { id: string; locales?: readonly string[] } | undefined {
    return this.dense && { id: this.dense.embedder.id, ...(this.dense.embedder.locales && { locales: this.dense.embedder.locales }) };
  }

  /**
   * True when the model's scores go through a calibration fitted for another model (or none at all); never with
   * the ranker, which calibrates on the knowledge base itself.
   */
  get semanticCalibrationIsGeneric(): boolean {
    if (!this.dense || this.ranker) return false;
    const id = this.dense.embedder.id;
    return !Object.keys(this.calibration || {}).some((key) => key.startsWith(`${id}/`));
  }

  get ranker(): Ranker | undefined { return this.rankerInUse; }

  /**
   * Swaps in a ranker trained on this same knowledge (a recalibrated one), or takes it out (undefined: the fixed
   * blend ranks); searches under way keep theirs.
   */
  useRanker(ranker: Ranker | undefined): void { this.rankerInUse = ranker; }

  /** What a ranker for this retriever trains on besides the articles: the vector index, when a model runs. */
  get rankerDense(): RankerDense | undefined {
    if (!this.dense) return undefined;
    const locales = this.dense.embedder.locales;
    return { index: this.dense.index, scale: this.evidenceScale, ...(locales && { locales }) };
  }

  get mode(): string {
    return this.dense ? `lexical+${this.dense.embedder.id}` : 'lexical';
  }

  async search(query: string, filters: SearchFilters = {}, limit = 10): Promise<SearchResult> {
    const { evidence, semantic, eligible, words } = await this.gather(query, filters);
    const ranker = this.ranker;
    let hits = ranker ? this.rankedHits(ranker, words, evidence, eligible) : this.fusedHits(evidence, eligible);
    hits = preferLocale(hits, filters.locale);
    hits.sort((a, b) => compareHits(a, b));
    hits = hits.slice(0, limit);
    this.pickSections(words, hits);
    return { hits, mode: semantic ? this.mode : 'lexical' };
  }

  /** The ranker's candidate topics for a query, with their signals before fusion (for fitting and explaining). */
  async candidates(query: string, filters: SearchFilters = {}): Promise<Candidate[]> {
    if (!this.ranker) return [];
    const { evidence, eligible, words } = await this.gather(query, filters);
    return candidateTopics(words, evidence, this.sourcesOf(this.ranker), eligible);
  }

  private async gather(query: string, filters: SearchFilters) {
    const denseLocales = this.dense?.embedder.locales;
    const semantic = !!this.dense && (!filters.locale || !denseLocales || denseLocales.includes(filters.locale));
    // A question in a language no article is written in is matched by its words and their translations into the
    // articles' words, and read only by the models that read its language: a model that does not (USE-lite in
    // Spanish) would compare its guess at foreign words with the articles. Any other question is read by every
    // model, as the passages were: USE-lite's reading of Spanish still helps Spanish questions find Spanish articles.
    const foreign = semantic && !!filters.locale && !this.articleLocales.has(filters.locale);
    const translated = foreign && this.translator ? this.translator.translate(query, filters.locale!) : [];
    const words = translated.length ? `${query} ${translated.join(' ')}` : query;
    const evidence: QueryEvidence = {
      matches: this.articleIndex.search(words, filters.locales),
      ...(semantic ? await this.semanticEvidence(query, foreign ? filters.locale : undefined) : { similarities: new Map<string, number>() }),
    };
    const eligible = (article: Article) => passes(article, filters) && (!filters.locales || filters.locales.includes(article.locale));
    return { evidence, semantic, eligible, words };
  }

  private sourcesOf(ranker: Ranker): CandidateSources {
    return { classifier: ranker.classifier, articlesOfTopic: ranker.topicsOf, articleById: this.articles, scale: this.evidenceScale };
  }

  /** The ranker's way: candidate topics, their signals fused into one calibrated confidence per topic. */
  private rankedHits(ranker: Ranker, query: string, evidence: QueryEvidence, eligible: (article: Article) => boolean): SearchHit[] {
    const candidates = candidateTopics(query, evidence, this.sourcesOf(ranker), eligible);
    const confidences = fuse(ranker.fusion, candidates.map((c) => c.signals));
    return candidates.flatMap((candidate, i) => candidate.articles.map((a): SearchHit => ({
      article: a.article, section: a.article.sections[0]!, confidence: confidences[i]!,
      signals: {
        raw: candidateScore(ranker.fusion, candidate.signals), calibration: `ranker/${a.article.locale}`,
        lexical: a.lexicalScore, coverage: a.coverage, ...(a.similarity !== undefined && { dense: a.similarity }), ranker: candidate.probability,
      },
    })));
  }

  /** Without a ranker: lexical and semantic scores in a fixed blend, calibrated per language and model. */
  private fusedHits(evidence: QueryEvidence, eligible: (article: Article) => boolean): SearchHit[] {
    const lexical = new Map(evidence.matches.map((m) => [m.key, m]));
    const top = evidence.matches[0]?.score ?? 0;
    const weight = evidence.vector ? this.dense!.weight : 0;
    const hits: SearchHit[] = [];
    for (const id of new Set([...lexical.keys(), ...evidence.similarities.keys()])) {
      const article = this.articles.get(id);
      if (!article || !eligible(article)) continue;
      const match = lexical.get(id);
      const lexicalScore = lexicalConfidence(match, top);
      const similarity = evidence.similarities.get(id);
      // Articles the model cannot read are judged by words alone; the others lose the semantic share they missed.
      const fused = !!evidence.vector && this.evidenceScale.readable(article);
      const evidenceShare = denseEvidence(similarity, this.evidenceScale.unrelated);
      const raw = Math.min(1, Math.max(0, fused ? (1 - weight) * lexicalScore + weight * evidenceShare : lexicalScore));
      const key = calibrationKey(fused ? this.dense!.embedder.id : 'lexical', article.locale);
      const scale = this.calibration ? scaleFor(this.calibration, key, fused) : undefined;
      hits.push({
        article, section: article.sections[0]!, confidence: calibrate(raw, scale),
        signals: { raw, calibration: key, lexical: match?.score ?? 0, coverage: match?.coverage ?? 0, ...(similarity !== undefined && { dense: similarity }) },
      });
    }
    return hits;
  }

  /** The query's vector, and the best cosine similarity per article over its passages, title and alternate questions. */
  private async semanticEvidence(query: string, locale: string | undefined): Promise<{ similarities: Map<string, number>; vector: Float32Array }> {
    const { embedder, index } = this.dense!;
    const [vector] = await embedder.embed([query], 'query', locale);
    const similarities = index.bestPerArticle(vector!, DENSE_NEIGHBOURS, (item) => !this.articles.has(item.articleId));
    // Read by some of the models only (see combineEmbedders): back to the scale of those models' own cosines.
    const share = locale && embedder.readShare ? embedder.readShare(locale) : 1;
    if (share < 1) for (const [id, similarity] of similarities) similarities.set(id, Math.min(1, similarity / Math.sqrt(share)));
    return { vector: vector!, similarities };
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


/** The bilingual model, alone or in a combination. */
function bilingualModelOf(embedder: Embedder): StaticModel | undefined {
  if (embedder instanceof StaticModel) return embedder;
  for (const part of embedder.parts ?? []) {
    const found = bilingualModelOf(part);
    if (found) return found;
  }
  return undefined;
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
