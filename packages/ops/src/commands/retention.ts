import { DEFAULT_RULES } from '@playhead/domain';
import { countExpiredEntries, deleteExpiredEntries } from '@playhead/store';
import type { OpsContext } from '../context.js';
import { silentProgress, type Progress } from '../progress.js';

export interface RetentionOptions {
  /** Entries untouched for longer than this many days are deleted. */
  days?: number;
  /** Rows per DELETE statement: short transactions, no long locks. */
  batchSize?: number;
  dryRun?: boolean;
  progress?: Progress;
  /** Clock, epoch ms. */
  now?: number;
}

export interface RetentionReport {
  /** Entries with updated_at before this time are expired, epoch ms. */
  readonly cutoff: number;
  /** How many were expired when the run started. */
  readonly expired: number;
  deleted: number;
  readonly dryRun: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Deletes PostgreSQL entries untouched for longer than the retention period, in batches.
 * Redis needs no sweep: each entry expires by itself at updated_at + retention. The same
 * job runs hourly in the checkpointer; running both at once is harmless, since a delete
 * of what is already gone deletes nothing.
 */
export async function runRetention(
  ctx: OpsContext,
  options: RetentionOptions = {},
): Promise<RetentionReport> {
  const days = options.days ?? DEFAULT_RULES.retentionMs / DAY_MS;
  const batchSize = options.batchSize ?? 1000;
  const progress = options.progress ?? silentProgress;
  const db = ctx.db();
  const cutoff = (options.now ?? Date.now()) - days * DAY_MS;
  const expired = await countExpiredEntries(db, cutoff);
  const report: RetentionReport = { cutoff, expired, deleted: 0, dryRun: options.dryRun ?? false };
  if (report.dryRun || expired === 0) return report;

  progress.start(expired, 'retention');
  try {
    for (;;) {
      const deleted = await deleteExpiredEntries(db, cutoff, batchSize);
      report.deleted += deleted;
      if (report.deleted > expired) progress.setTotal(report.deleted);
      progress.add(deleted);
      if (deleted < batchSize) break;
    }
  } finally {
    progress.stop();
  }
  return report;
}
