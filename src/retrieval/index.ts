export { Retriever } from './retriever.js';
export { LexicalIndex, type LexicalDoc, type LexicalMatch } from './lexical.js';
export { analyzerFor, normalizeWords, type Analyzer } from './analyzer.js';
export type { SearchFilters, SearchHit, SearchResult } from './types.js';
export { buildRetrieval, retrievalSettings, vectorItems, type RetrievalBuild, type RetrievalSettings } from './build.js';
export { loadEmbedder, type Embedder, type EmbedderSettings, type EmbedKind } from './embedder.js';
export { VectorIndex, type VectorItem, type BuildStats } from './vector-index.js';
export type { DenseSearch } from './retriever.js';
