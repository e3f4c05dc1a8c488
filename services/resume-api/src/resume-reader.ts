import { isListed, type ResumeKey, type ResumeRules } from '@playhead/domain';
import { withTimeout, prom } from '@playhead/http';
import type { Logger } from '@playhead/logger';
import {
  readContinueWatching,
  readEntry,
  selectProfileEntries,
  selectResumeState,
  writeEntry,
  type CachedEntry,
  type Pool,
  type Redis,
} from '@playhead/store';

/** Neither store answered. */
export class StoresUnavailableError extends Error {
  readonly retriable = true;
}

/**
 * Reads resume state: Redis first with a short bound; on a miss PostgreSQL, and Redis is
 * filled again; when Redis is slow or down, PostgreSQL answers alone.
 */
export class ResumeReader {
  private readonly lookups;
  private readonly fallbacks;

  constructor(
    private readonly redis: Redis,
    private readonly db: Pool,
    private readonly options: {
      prefix: string;
      redisTimeoutMs: number;
      dbTimeoutMs: number;
      rules: ResumeRules;
    },
    registry: prom.Registry,
    private readonly logger: Logger,
  ) {
    this.lookups = new prom.Counter({
      name: 'resume_cache_lookups_total',
      help: 'Resume reads by cache result: hit, miss or error.',
      labelNames: ['result'],
      registers: [registry],
    });
    this.fallbacks = new prom.Counter({
      name: 'resume_database_fallbacks_total',
      help: 'Reads answered by PostgreSQL because Redis missed, timed out or failed.',
      labelNames: ['reason'],
      registers: [registry],
    });
    // Every known label value is exported from the start, at 0, so a hit ratio or a
    // fallback rate is defined before the first miss.
    for (const result of ['hit', 'miss', 'error']) this.lookups.inc({ result }, 0);
    for (const reason of ['miss', 'error']) this.fallbacks.inc({ reason }, 0);
  }

  async read(key: ResumeKey): Promise<CachedEntry | null> {
    let reason: 'miss' | 'error';
    try {
      const cached = await withTimeout(
        readEntry(this.redis, this.options.prefix, key),
        this.options.redisTimeoutMs,
      );
      if (cached) {
        this.lookups.inc({ result: 'hit' });
        return cached;
      }
      this.lookups.inc({ result: 'miss' });
      reason = 'miss';
    } catch (error) {
      this.lookups.inc({ result: 'error' });
      this.logger.debug({ err: error }, 'redis read failed; asking PostgreSQL');
      reason = 'error';
    }

    this.fallbacks.inc({ reason });
    const stored = await this.fromDatabase(() => selectResumeState(this.db, key));
    if (stored && reason === 'miss') {
      // Refill in the background; the write is conditional, so it never overwrites a
      // newer state the projector stored meanwhile.
      writeEntry(this.redis, this.options.prefix, stored, this.options.rules).catch(
        (error: unknown) => this.logger.debug({ err: error }, 'cache refill failed'),
      );
    }
    return stored ? { state: stored.state, hiddenAt: stored.hiddenAt } : null;
  }

  async continueWatching(
    profile: { accountId: string; profileId: string },
    limit: number,
  ): Promise<Array<{ key: ResumeKey; entry: CachedEntry }>> {
    const listed = (rows: Array<{ key: ResumeKey; entry: CachedEntry }>) =>
      rows
        .filter((r) => isListed(r.entry.state, r.entry.hiddenAt, this.options.rules))
        .slice(0, limit);
    try {
      const cached = await withTimeout(
        readContinueWatching(this.redis, this.options.prefix, profile, limit),
        this.options.redisTimeoutMs,
      );
      if (cached) {
        this.lookups.inc({ result: 'hit' });
        return listed(cached);
      }
      this.lookups.inc({ result: 'miss' });
      this.fallbacks.inc({ reason: 'miss' });
    } catch (error) {
      this.lookups.inc({ result: 'error' });
      this.fallbacks.inc({ reason: 'error' });
      this.logger.debug({ err: error }, 'redis list read failed; asking PostgreSQL');
    }
    // Ask for more rows than shown: some are hidden or not worth resuming.
    const rows = await this.fromDatabase(() =>
      selectProfileEntries(this.db, profile, limit * 4 + 20),
    );
    return listed(
      rows.map((r) => ({ key: r.key, entry: { state: r.state, hiddenAt: r.hiddenAt } })),
    );
  }

  private async fromDatabase<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(query(), this.options.dbTimeoutMs);
    } catch (error) {
      this.logger.warn({ err: error }, 'PostgreSQL read failed');
      throw new StoresUnavailableError('neither Redis nor PostgreSQL answered');
    }
  }
}
