import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { dailySeries } from '../../outcomes/series.js';
import { requireAgent } from '../auth.js';
import { servePage } from '../console/static-page.js';

const PUBLIC = path.join(import.meta.dirname, '../dashboard/public');

/** As /api/reports takes them: a day (its start for `from`, its end for `to`) or an ISO timestamp. */
const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$';

const periodQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { from: { type: 'string', pattern: DATE_PATTERN }, to: { type: 'string', pattern: DATE_PATTERN } },
} as const;

type Period = { Querystring: { from?: string; to?: string } };

/**
 * The dashboard: the page at /dashboard (it loads without credentials and asks for a lead's token), drawn from
 * `GET /api/reports` (the report, and `/api/reports.csv` for the export) and, for the charts over time, the same
 * period day by day at `GET /api/dashboard/series`, for leads.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const { runtime } = app;
  servePage(app, '/dashboard', PUBLIC, ['dashboard.js', 'dashboard.css']);

  // Checked on request, before the query is validated: without credentials nothing else is said about a request.
  const leadOnly = requireAgent(runtime.config, 'lead');

  app.get<Period>('/api/dashboard/series', { onRequest: leadOnly, schema: { querystring: periodQuery } }, async (request, reply) => {
    const { from, to } = request.query;
    for (const [name, value] of [['from', from], ['to', to]] as const) {
      if (value !== undefined && Number.isNaN(Date.parse(value))) return reply.code(400).send({ error: `querystring/${name} is not a date: ${value}` });
    }
    if (from && to && from.slice(0, 10) > to.slice(0, 10)) return reply.code(400).send({ error: `from (${from}) is after to (${to})` });
    // Settled first, as the report is: the two must count the same conversations.
    runtime.bot.recorder.closeIdle(runtime.now());
    return { series: dailySeries(runtime.store.outcomes, { ...(from && { from }), ...(to && { to }) }) };
  });
};
