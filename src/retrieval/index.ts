export { Retriever } from './retriever.js';
export { LexicalIndex, type LexicalDoc, type LexicalMatch } from './lexical.js';
export { analyzerFor, normalizeWords, type Analyzer } from './analyzer.js';
export type { SearchFilters, SearchHit, SearchResult } from './types.js';
