import path from 'node:path';
import type { EngineOptions } from '../dialogue/options.js';
import { loadLexicon } from '../emotion/index.js';
import { BUNDLED, STATIC_MODEL_ID, USE_LITE_ID, type OfflineModels, type RetrievalSettings } from '../retrieval/index.js';
import type { Config } from './schema.js';

/*
 * What each part of the pipeline reads from the configuration. The parts take plain settings and never import the
 * configuration, so they stay below it: the CLI and the server compose them from a Config.
 */

/** The engine's settings from the configuration; the search, store and event sink are the caller's. */
export function engineSettings(config: Config): Omit<EngineOptions, 'search' | 'store' | 'onEvent' | 'now' | 'availability'> {
  const { emotion, handoff } = config;
  return {
    locales: config.locales, thresholds: config.dialogue.thresholds, messages: config.dialogue.messages,
    company: config.company.name, maxReplyChars: config.dialogue.maxReplyChars, inactivityMinutes: config.dialogue.inactivityMinutes,
    ...(config.company.helpCenterUrl && { helpCenterUrl: config.company.helpCenterUrl }),
    emotion: {
      handoffLevel: emotion.handoffLevel, mildLevel: emotion.mildLevel,
      trend: { threshold: emotion.handoffLevel, window: emotion.rising.window, minRise: emotion.rising.minRise, risingThreshold: emotion.rising.level },
      lexicons: new Map(Object.entries(emotion.lexicons).map(([locale, file]) => [locale, loadLexicon(locale, path.resolve(config.root, file))])),
    },
    handoff: { afterFailures: handoff.afterFailures, expectedWaitMinutes: handoff.expectedWaitMinutes },
    surveys: { enabled: config.surveys.enabled, comment: config.surveys.comment },
  };
}

/**
 * The retrieval settings of a configuration; `embedder` overrides the models: `lexical` turns semantic search off,
 * `bundled`, `escucha-bilingual` and `use-lite` name the models that ship, anything else a transformers.js model
 * (alone, with no fallback: an evaluation measures what was asked for or fails).
 */
export function retrievalSettings(config: Config, embedder?: string): RetrievalSettings {
  const offline: readonly string[] = [BUNDLED, STATIC_MODEL_ID, USE_LITE_ID];
  const model = embedder === 'lexical' ? { provider: 'none' as const }
    : embedder && offline.includes(embedder) ? { provider: embedder as OfflineModels }
    : embedder ? { model: embedder, provider: 'transformers' as const, fallback: 'none' as const } : {};
  return {
    dataDir: config.data.dir,
    chunkMaxChars: config.knowledge.chunkMaxChars,
    embedder: { ...config.retrieval.embedder, ...model },
    denseWeight: config.retrieval.denseWeight,
    ranker: config.retrieval.ranker,
  };
}
