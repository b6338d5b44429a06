import type { Article, Section } from '../knowledge/index.js';

export interface SearchFilters {
  /** The customer's language: articles in it are preferred, and a translation replaces its twin. */
  locale?: string;
  /** Only articles in these languages (default: any). */
  locales?: readonly string[];
  product?: string;
  audience?: string;
}

export interface SearchHit {
  article: Article;
  /** The section to cite. */
  section: Section;
  /** Confidence in [0, 1] that this article answers the query; the dialogue thresholds read it. */
  confidence: number;
  /** Signals that produced it, for explanations and evaluation. */
  signals: {
    /** The fused score before calibration (with the ranker: the topic's score against "none of these"). */
    raw: number;
    /** Which calibration applies to it (`<model>/<locale>`, or `ranker/<locale>`: the ranker's own, per knowledge base). */
    calibration: string;
    lexical: number; coverage: number; dense?: number;
    /** The ranker's classifier: the probability it gives the article's topic. */
    ranker?: number;
  };
}

export interface SearchResult {
  hits: SearchHit[];
  /** What actually ran: `lexical`, or `lexical+<model id>`. */
  mode: string;
}

export type EmbedKind = 'query' | 'passage';

/** Turns text into unit-length vectors; cosine similarity is then a dot product. */
export interface Embedder {
  /** Model id, part of every persisted index: a different model means a rebuild. */
  readonly id: string;
  /** Which build of the model (a hash of its weights), when it can change under the same id: part of the index key too. */
  readonly revision?: string;
  readonly dimensions: number;
  /** Languages the model understands; absent means all. Other languages are searched lexically only. */
  readonly locales?: readonly string[];
  /**
   * Runs `work` with the model's helper threads available (bulk embedding: an index build), telling it how many
   * `embed` calls may run at once; the threads stop when it is done. Absent: one call at a time.
   */
  inParallel?<T>(work: (calls: number) => Promise<T>): Promise<T>;
  /** The models a combination is made of (combineEmbedders). */
  readonly parts?: readonly Embedder[];
  /**
   * A combination's share of a vector (its squared length) that the models reading `locale` fill: a text embedded
   * with that locale only has that part, so its cosine with a full vector is sqrt(share) times theirs.
   */
  readShare?(locale: string): number;
  /**
   * `locale`, when known, is the texts' language: a combination of models leaves out those that do not read it
   * (their vectors of a language they do not know are noise); a single model ignores it.
   */
  embed(texts: readonly string[], kind: EmbedKind, locale?: string): Promise<Float32Array[]>;
}
