import { z } from 'zod';

const unit = (what = 'a number between 0 and 1') => z.number({ error: what }).min(0, { error: what }).max(1, { error: what });

/**
 * `surveys` in bot.config.ts: the in-chat CSAT ("¿Cómo calificarías la ayuda recibida?", 1-5), asked after a
 * resolution or an agent's handback, then the CES ("¿Qué tan fácil fue resolver tu consulta?", 1-7), then an
 * optional comment. Each is skippable and never asked twice in a conversation.
 */
export const surveysConfigSchema = z.strictObject({
  enabled: z.boolean({ error: 'true or false' }).default(true),
  /** Invite a comment after the scores. */
  comment: z.boolean({ error: 'true or false' }).default(true),
}).prefault({});

/** `reports` in bot.config.ts: how `escucha report` and `GET /api/reports` group what they count. */
export const reportsConfigSchema = z.strictObject({
  /**
   * Two unanswered questions belong to one content gap when the cosine similarity of their stemmed words reaches
   * this (1: the same words; 0.6 groups "cambiar el pin de la sim" with "como cambio el pin", not with "pin del banco").
   */
  gapSimilarity: unit().default(0.6),
  /** Peak frustration (0..1) bands of the frustration distribution: below the first is calm, from the last on, high. */
  frustrationBands: z.tuple([unit(), unit()]).default([0.3, 0.7])
    .refine(([mild, high]) => mild < high, { error: 'two numbers between 0 and 1, the first smaller' }),
}).prefault({});

export type SurveysConfig = z.output<typeof surveysConfigSchema>;
export type ReportsConfig = z.output<typeof reportsConfigSchema>;

export const DEFAULT_SURVEYS_CONFIG: SurveysConfig = surveysConfigSchema.parse(undefined);
export const DEFAULT_REPORTS_CONFIG: ReportsConfig = reportsConfigSchema.parse(undefined);
