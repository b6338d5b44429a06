/** Rows deleted per table, every table the deletion reached (zeros included), in a stable order. */
export type DeletedCounts = Record<string, number>;

/**
 * Where erasure happens: src/store/erasure.ts deletes from SQLite, following the schema's references so that tables
 * added later are reached without changes. Each call is one transaction (all of it or nothing), and deleted content
 * is overwritten on disk, not only unlinked.
 */
export interface ErasureRepository {
  /**
   * Deletes every conversation of a customer and everything about them: the rows that reference those conversations
   * (turns, outcomes, feedback, surveys, questions, handoffs and their messages...), and rows anywhere else that name
   * the customer.
   */
  forgetCustomer(customerId: string): DeletedCounts;
  /** Deletes what {@link applyRetention} describes, older than `cutoff` (an ISO timestamp). */
  deleteBefore(cutoff: string): DeletedCounts;
}

/** Deletes every conversation of a customer and everything about them; returns the rows deleted per table. */
export function forgetCustomer(repository: ErasureRepository, customerId: string): DeletedCounts {
  return repository.forgetCustomer(customerId);
}

export interface RetentionOptions {
  /** `privacy.retentionDays`; null keeps everything. */
  retentionDays: number | null;
  now?: Date;
}

/**
 * Deletes what is older than the retention period: conversations whose last activity is before the cutoff (with
 * everything about them, as {@link forgetCustomer}), and, inside conversations still in use (a channel may reuse a
 * conversation id for months), the recorded conversations that ended before it and the team's cases closed before it.
 * Meant for the server to run at start and once a day; `escucha forget --expired` runs it on demand. Returns the rows deleted per table.
 */
export function applyRetention(repository: ErasureRepository, { retentionDays, now = new Date() }: RetentionOptions): DeletedCounts {
  if (retentionDays === null) return {};
  return repository.deleteBefore(new Date(now.getTime() - retentionDays * 86_400_000).toISOString());
}
