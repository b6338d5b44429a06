export { Retriever } from './retriever.js';
export { LexicalIndex, type LexicalDoc, type LexicalMatch } from './lexical.js';
export { analyzerFor, normalizeWords, type Analyzer } from './analyzer.js';
export type { SearchFilters, SearchHit, SearchResult, Embedder, EmbedKind } from './types.js';
export { buildRetrieval, retrievalSettings, vectorItems, type RetrievalBuild, type RetrievalSettings } from './build.js';
export { loadEmbedder, type EmbedderSettings } from './embedder.js';
export { USE_LITE_ID } from './use-lite.js';
export { VectorIndex, type VectorItem, type BuildStats } from './vector-index.js';
export type { DenseSearch } from './retriever.js';
