import { parseArgs } from 'node:util';
import { computeReport, createOutcomeRecorder, formatReportCsv, formatReportTable } from '../outcomes/index.js';
import { createRedactor } from '../privacy/index.js';
import { openStore } from '../store/index.js';
import { type CliIO, configFor, UsageError } from './io.js';

export const REPORT_HELP = `Usage: escucha report [--from DATE] [--to DATE] [--json | --csv] [--data DIR] [--config FILE]

Outcomes, satisfaction and content gaps of the conversations started in a period (UTC; both days included; by
default all of them): resolution by the bot and by agents, escalations, abandonment, CSAT and CES, median time to
resolution, peak frustration, views and helpfulness per article and section, and unanswered questions grouped into
gaps with a suggested action. Conversations silent for dialogue.inactivityMinutes are settled first (what the
server will do every minute). README.md ("Outcomes and reports") defines every figure.

  --from DATE    first day, YYYY-MM-DD (or an ISO timestamp)
  --to DATE      last day, YYYY-MM-DD (or an ISO timestamp, excluded)
  --json         the report as one JSON document (what GET /api/reports returns)
  --csv          one figure per line: section,item,metric,value
  --data DIR     data folder (default: data.dir of bot.config.ts)
  --config FILE  configuration file (default: bot.config.ts)
`;

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export async function reportCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' },
      data: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.stdout(REPORT_HELP); return 0; }
  if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
  for (const [flag, value] of [['--from', values.from], ['--to', values.to]] as const) {
    // Date.parse takes 2026-02-30 for 2 March: a date must come back as written.
    if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(value)) || new Date(Date.parse(value.slice(0, 10))).toISOString().slice(0, 10) !== value.slice(0, 10))) {
      throw new UsageError(`${flag} expects a date such as 2026-11-01, got "${value}"`);
    }
  }
  if (values.from && values.to && values.from.slice(0, 10) > values.to.slice(0, 10)) {
    throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
  }

  const config = await configFor(io, values);
  const store = openStore({ dataDir: config.data.dir });
  try {
    const recorder = createOutcomeRecorder(store.outcomes, { inactivityMinutes: config.dialogue.inactivityMinutes, redact: createRedactor(config.privacy.redact) });
    recorder.closeIdle(new Date());
    const report = computeReport(store.outcomes, {
      ...(values.from && { from: values.from }), ...(values.to && { to: values.to }),
      gapSimilarity: config.reports.gapSimilarity, frustrationBands: config.reports.frustrationBands,
      fairConfidence: config.dialogue.thresholds.clarify,
    });
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : values.csv ? formatReportCsv(report) : formatReportTable(report));
    return 0;
  } finally {
    store.close();
  }
}
