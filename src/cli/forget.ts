import { parseArgs } from 'node:util';
import { applyRetention, forgetCustomer, type DeletedCounts } from '../privacy/index.js';
import { openStore } from '../store/index.js';
import { type CliIO, configFor, UsageError } from './io.js';

export const FORGET_HELP = `Usage: escucha forget --customer ID [--json] [--data DIR] [--config FILE]
       escucha forget --expired [--days N] [--json] [--data DIR] [--config FILE]

--customer ID  deletes every conversation of the customer and everything recorded about them (turns, outcomes,
               feedback, surveys, questions, handoffs and their messages), and prints how many rows went, per table.
--expired      deletes what is older than privacy.retentionDays (default 365 days; --days N overrides it), as the
               server will do at start and every day.
--json         the counts as one JSON object: { "conversations": 3, "turns": 12, ... }
`;

export async function forgetCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args, strict: true, allowPositionals: false,
    options: {
      customer: { type: 'string' }, expired: { type: 'boolean' }, days: { type: 'string' }, json: { type: 'boolean' },
      data: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { io.stdout(FORGET_HELP); return 0; }
  if (values.customer === undefined && !values.expired) throw new UsageError('say whom to forget: --customer ID (or --expired)');
  if (values.customer !== undefined && values.expired) throw new UsageError('--customer and --expired go in separate runs');
  if (values.customer !== undefined && !values.customer.trim()) throw new UsageError('--customer needs the customer\'s id');
  if (values.days !== undefined && (!values.expired || !/^[1-9]\d*$/.test(values.days))) {
    throw new UsageError('--days goes with --expired and is a whole number of days greater than 0');
  }

  const config = await configFor(io, values);
  const store = openStore({ dataDir: config.data.dir });
  let counts: DeletedCounts;
  try {
    counts = values.expired
      ? applyRetention(store.erasure, { retentionDays: values.days ? Number(values.days) : config.privacy.retentionDays })
      : forgetCustomer(store.erasure, values.customer!);
  } finally {
    // Closing checkpoints the write-ahead log, so the deleted rows leave it too.
    store.close();
  }
  if (values.json) {
    io.stdout(`${JSON.stringify(counts)}\n`);
    return 0;
  }
  const what = values.expired ? 'older than the retention period' : `about customer ${values.customer}`;
  const deleted = Object.entries(counts).filter(([, n]) => n > 0);
  if (!deleted.length) {
    io.stdout(`Nothing stored ${what}.\n`);
    return 0;
  }
  io.stdout(`Deleted everything stored ${what}:\n`);
  const width = Math.max(...deleted.map(([table]) => table.length));
  for (const [table, n] of deleted) io.stdout(`  ${table.replace(/_/g, ' ').padEnd(width)}  ${String(n).padStart(6)}\n`);
  return 0;
}
