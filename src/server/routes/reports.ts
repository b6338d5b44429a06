import type { FastifyPluginAsync } from 'fastify';
import { computeReport, formatReportCsv } from '../../outcomes/index.js';
import { requireAgent } from '../auth.js';

/** A day (2026-11-01: its start for `from`, its end for `to`) or an ISO timestamp, as `escucha report` takes them. */
const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$';

const periodQuery = {
  type: 'object', additionalProperties: false,
  properties: { from: { type: 'string', pattern: DATE_PATTERN }, to: { type: 'string', pattern: DATE_PATTERN } },
} as const;

type Period = { Querystring: { from?: string; to?: string } };

/**
 * The outcomes report for leads (the dashboard reads it): `GET /api/reports` is what `escucha report --json` prints,
 * `GET /api/reports.csv` what `--csv` prints. Conversations that went quiet are settled first, as the CLI does.
 */
export const reportRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app;
  const { config } = runtime;
  // Checked first: a request without a token learns nothing, not even what is wrong with its query.
  const leadOnly = requireAgent(config, 'lead');

  const report = (period: Period['Querystring']) => {
    runtime.bot.recorder.closeIdle(runtime.now());
    return computeReport(runtime.store.outcomes, {
      ...(period.from && { from: period.from }), ...(period.to && { to: period.to }),
      gapSimilarity: config.reports.gapSimilarity, frustrationBands: config.reports.frustrationBands,
      fairConfidence: config.dialogue.thresholds.clarify,
    });
  };

  const checked = (period: Period['Querystring']): string | undefined => {
    for (const [name, value] of Object.entries(period)) {
      if (value !== undefined && !isCalendarDate(value)) return `querystring/${name} is not a date: ${value}`;
    }
    if (period.from && period.to && period.from.slice(0, 10) > period.to.slice(0, 10)) return `from (${period.from}) is after to (${period.to})`;
    return undefined;
  };

  app.get<Period>('/api/reports', { schema: { querystring: periodQuery }, onRequest: leadOnly }, async (request, reply) => {
    const problem = checked(request.query);
    if (problem) return reply.code(400).send({ error: problem });
    return report(request.query);
  });

  app.get<Period>('/api/reports.csv', { schema: { querystring: periodQuery }, onRequest: leadOnly }, async (request, reply) => {
    const problem = checked(request.query);
    if (problem) return reply.code(400).send({ error: problem });
    const csv = formatReportCsv(report(request.query));
    const name = `escucha-report${request.query.from ? `-from-${request.query.from.slice(0, 10)}` : ''}${request.query.to ? `-to-${request.query.to.slice(0, 10)}` : ''}.csv`;
    return reply.headers({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` }).send(csv);
  });
};

/** A date that exists: Date.parse would read 2026-02-31 as the 3rd of March. */
function isCalendarDate(value: string): boolean {
  const day = value.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day && !Number.isNaN(Date.parse(value));
}
