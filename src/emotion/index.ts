export {
  scoreMessage, DEFAULT_DETECTOR_OPTIONS, DEFAULT_FRUSTRATED_THRESHOLD, DEFAULT_RULE_WEIGHTS, type DetectorOptions, type RuleWeights,
} from './detector.js';
export { trend, DEFAULT_TREND_OPTIONS, type Trend, type TrendOptions } from './trend.js';
export {
  loadLexicon, buildLexicon, parseLexicon, readLexiconFile, LexiconError, type Lexicon, type LexiconData,
} from './lexicon.js';
export type { CalmingReason, MessageScore, Reason, ReasonKind } from './types.js';
