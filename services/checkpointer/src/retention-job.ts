import { prom } from '@playhead/http';
import type { Logger } from '@playhead/logger';

export interface RetentionJobOptions {
  /** Time between runs; 0 turns the job off. */
  intervalMs: number;
  /** Entries untouched for longer than this are deleted. */
  retentionMs: number;
  /** Rows per DELETE: short transactions that never hold many row locks. */
  batchSize: number;
}

/** Deletes at most `limit` entries untouched since `before`; returns how many went. */
export type DeleteExpired = (before: number, limit: number) => Promise<number>;

/**
 * Deletes PostgreSQL entries untouched for longer than the retention period, on a timer.
 * Every instance runs it: a delete of what another instance already deleted deletes
 * nothing, so no coordination is needed. Redis needs no sweep, its entries expire by
 * themselves.
 *
 * The first run comes after half to one interval, at random, so instances started
 * together spread out; services restarted more often than that should run
 * `playhead retention` from a scheduler instead.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopping = false;
  private readonly deleted: prom.Counter;
  private readonly lastSuccess: prom.Gauge;

  constructor(
    private readonly deleteExpired: DeleteExpired,
    private readonly options: RetentionJobOptions,
    private readonly clock: () => number,
    registry: prom.Registry,
    private readonly logger: Logger,
  ) {
    this.deleted = new prom.Counter({
      name: 'retention_rows_deleted_total',
      help: 'PostgreSQL entries deleted for being untouched longer than the retention period.',
      registers: [registry],
    });
    this.lastSuccess = new prom.Gauge({
      name: 'retention_last_success_timestamp_seconds',
      help: 'When a retention run last completed; 0 before the first.',
      registers: [registry],
    });
  }

  start(): void {
    if (this.options.intervalMs <= 0) return;
    const first = this.options.intervalMs * (0.5 + Math.random() / 2);
    this.schedule(first);
  }

  /**
   * One full run: batches until one comes back short. Between batches it checks for a
   * stop, so shutdown waits for one statement at most.
   */
  async runOnce(): Promise<number> {
    const cutoff = this.clock() - this.options.retentionMs;
    let total = 0;
    for (;;) {
      const n = await this.deleteExpired(cutoff, this.options.batchSize);
      total += n;
      this.deleted.inc(n);
      if (n < this.options.batchSize || this.stopping) break;
    }
    this.lastSuccess.set(this.clock() / 1000);
    if (total > 0) {
      this.logger.info({ deleted: total, cutoff: new Date(cutoff).toISOString() }, 'retention run');
    }
    return total;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.runOnce();
      this.running
        .catch((error: unknown) => {
          // The next run deletes what this one left; nothing is lost by waiting.
          this.logger.warn({ err: error }, 'retention run failed; the next run retries');
          return 0;
        })
        .finally(() => {
          this.running = null;
          if (!this.stopping) this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
