export type { Article, ArticleLink, ArticleType, Diagnostic, ForumAnswer, ForumThread, Section, Severity } from './types.js';
export { loadKnowledge, listKnowledgeFiles, readKnowledgeFile, ignoredPath, KnowledgeDirError, type KnowledgeOptions } from './loader.js';
export { assembleKnowledge, type KnowledgeBase } from './assemble.js';
export { parseKnowledgeFile, defaultId, type FileResult } from './file.js';
export { chunkArticle, type Chunk } from './chunk.js';
export { watchKnowledge, type KnowledgeWatcher, type WatchOptions } from './watch.js';
