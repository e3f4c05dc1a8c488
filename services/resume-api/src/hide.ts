import type { ResumeKey, ResumeRules } from '@playhead/domain';
import { withTimeout } from '@playhead/http';
import type { Logger } from '@playhead/logger';
import {
  hideCachedEntry,
  hideEntry,
  readEntry,
  upsertResumeStates,
  type Pool,
  type Redis,
} from '@playhead/store';
import { StoresUnavailableError } from './resume-reader.js';

/**
 * Removes an entry from continue watching. PostgreSQL holds the hide (it outlives the
 * cache); an entry the checkpointer has not written yet is written first from Redis, so
 * the hide has a row to land on.
 */
export class Hider {
  constructor(
    private readonly redis: Redis,
    private readonly db: Pool,
    private readonly options: {
      prefix: string;
      redisTimeoutMs: number;
      dbTimeoutMs: number;
      rules: ResumeRules;
    },
    private readonly logger: Logger,
  ) {}

  /** False when the key was never seen. */
  async hide(key: ResumeKey, at: number): Promise<boolean> {
    let found = await this.database(() => hideEntry(this.db, key, at));
    if (!found) {
      const cached = await withTimeout(
        readEntry(this.redis, this.options.prefix, key),
        this.options.redisTimeoutMs,
      ).catch(() => null);
      if (!cached) return false;
      await this.database(() => upsertResumeStates(this.db, [{ key, state: cached.state }]));
      found = await this.database(() => hideEntry(this.db, key, at));
    }
    await withTimeout(
      hideCachedEntry(this.redis, this.options.prefix, key, at),
      this.options.redisTimeoutMs * 4,
    ).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'hide not applied to Redis; it expires with the entry'),
    );
    return found;
  }

  private async database<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(query(), this.options.dbTimeoutMs);
    } catch (error) {
      this.logger.warn({ err: error }, 'PostgreSQL write failed');
      throw new StoresUnavailableError('PostgreSQL did not answer');
    }
  }
}
