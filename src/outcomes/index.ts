export { createOutcomeRecorder, type OutcomeRecorder, type OutcomeRecorderOptions, type RecordedOutcome } from './recorder.js';
export type * from './repository.js';
export { computeReport, sharesOf, type Report, type ReportOptions, type Share, type Helpfulness } from './report.js';
export { formatReportTable, formatReportCsv, describeSuggestion } from './format.js';
export { clusterGaps, type ContentGap, type GapAction, type GapOptions, type GapQuestion } from './gaps.js';
export { decideOutcome, positiveSurvey, OUTCOME_NAMES, type OutcomeName, type OutcomeFacts, type LastStep, type HandoffState } from './rules.js';
export {
  surveysConfigSchema, reportsConfigSchema, DEFAULT_SURVEYS_CONFIG, DEFAULT_REPORTS_CONFIG, type SurveysConfig, type ReportsConfig,
} from './config.js';
