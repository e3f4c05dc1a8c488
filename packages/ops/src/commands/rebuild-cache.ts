import { DEFAULT_RULES, type ResumeKey, type ResumeRules } from '@playhead/domain';
import { countResumeStates, selectResumePage, writeEntry } from '@playhead/store';
import type { OpsContext } from '../context.js';
import { silentProgress, type Progress } from '../progress.js';

export interface RebuildOptions {
  prefix: string;
  /** Rows read and written per round trip. */
  batchSize?: number;
  rules?: ResumeRules;
  progress?: Progress;
  /** Clock for the retention cut-off, epoch ms. */
  now?: number;
}

export interface RebuildReport {
  /** Rows read from PostgreSQL. */
  rows: number;
  /** Entries written to Redis. */
  written: number;
  /** Entries Redis already held as new or newer (the projector got there first). */
  newer: number;
  /** Rows past the retention period, left out: Redis would expire them at once. */
  expired: number;
}

/**
 * Refills Redis from PostgreSQL, e.g. after Redis lost its data: every row in key order,
 * page by page, each written with the projector's conditional script. An entry the
 * projector has meanwhile stored newer is left alone, so this can run while the system
 * takes traffic. Continue-watching lists are rebuilt along with the entries.
 */
export async function rebuildCache(
  ctx: OpsContext,
  options: RebuildOptions,
): Promise<RebuildReport> {
  const rules = options.rules ?? DEFAULT_RULES;
  const batchSize = options.batchSize ?? 500;
  const progress = options.progress ?? silentProgress;
  const db = ctx.db();
  const redis = ctx.redis();
  const cutoff = (options.now ?? Date.now()) - rules.retentionMs;
  const report: RebuildReport = { rows: 0, written: 0, newer: 0, expired: 0 };

  const total = await countResumeStates(db);
  progress.start(total, 'rebuild-cache');
  try {
    let after: ResumeKey | null = null;
    for (;;) {
      const page = await selectResumePage(db, after, batchSize);
      if (page.length === 0) break;
      const live = page.filter((entry) => entry.state.updatedAt >= cutoff);
      const stored = await Promise.all(
        live.map((entry) => writeEntry(redis, options.prefix, entry, rules)),
      );
      report.rows += page.length;
      report.expired += page.length - live.length;
      report.written += stored.filter(Boolean).length;
      report.newer += stored.filter((s) => !s).length;
      // Rows inserted while the walk runs can make the table outgrow its first count.
      if (report.rows > total) progress.setTotal(report.rows);
      progress.add(page.length);
      after = page[page.length - 1]!.key;
      if (page.length < batchSize) break;
    }
  } finally {
    progress.stop();
  }
  return report;
}
