import { z } from 'zod';
import { patternProblem, REDACTION_KINDS, type RedactionKind } from './redact.js';

const pattern = z.union([
  z.string({ error: 'a regular expression, as a string' }),
  z.strictObject({
    pattern: z.string({ error: 'a regular expression, as a string' }),
    flags: z.string().regex(/^[imsuy]*$/, { error: 'regular expression flags among i, m, s, u and y' }).optional(),
    replacement: z.string().optional(),
  }),
]).superRefine((value, ctx) => {
  const problem = patternProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `a usable regular expression (${problem})`, input: value });
});

/**
 * `privacy` in bot.config.ts. `retentionDays`: conversations (and everything recorded about them) whose last
 * activity is older than this are deleted, by the server at start and daily; `null` keeps them forever.
 * `redact.kinds`: the built-in kinds of personal data removed from stored texts and logs; `redact.patterns`: more of
 * them, as regular expressions (a bare string is replaced by "[redacted]").
 */
export const privacyConfigSchema = z.strictObject({
  retentionDays: z.number({ error: 'a whole number of days greater than 0, or null to keep everything' })
    .int({ error: 'a whole number of days greater than 0, or null to keep everything' })
    .positive({ error: 'a whole number of days greater than 0, or null to keep everything' })
    .nullable().default(365),
  redact: z.strictObject({
    kinds: z.array(z.enum(REDACTION_KINDS as [RedactionKind, ...RedactionKind[]])).default([...REDACTION_KINDS]),
    patterns: z.array(pattern).default([]),
  }).prefault({}),
}).prefault({});

export type PrivacyConfig = z.output<typeof privacyConfigSchema>;

/** The defaults, for commands that run before the main configuration schema has a `privacy` key. */
export const DEFAULT_PRIVACY_CONFIG: PrivacyConfig = privacyConfigSchema.parse(undefined);
