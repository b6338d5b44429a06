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
  signals: { lexical: number; coverage: number; dense?: number };
}

export interface SearchResult {
  hits: SearchHit[];
  /** What actually ran: `lexical`, or `lexical+<model id>`. */
  mode: string;
}
