export {
  createRedactor, redact, patternProblem, luhn, validIban, validSpanishId, REDACTION_KINDS, REDACTED_TAGS,
  type Redactor, type RedactOptions, type RedactionKind, type RedactionPattern,
} from './redact.js';
export { forgetCustomer, applyRetention, type DeletedCounts, type ErasureRepository, type RetentionOptions } from './erase.js';
export { privacyConfigSchema, DEFAULT_PRIVACY_CONFIG, type PrivacyConfig } from './config.js';
