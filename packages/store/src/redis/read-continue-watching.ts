import type { ResumeKey } from '@playhead/domain';
import type { Redis } from './client.js';
import { continueWatchingKey, entryKey } from './keys.js';
import type { CachedEntry } from './read-entry.js';

/**
 * A profile's listed entries, newest first, or null when Redis holds no list for it (a
 * cold or flushed cache: the caller asks PostgreSQL).
 */
export async function readContinueWatching(
  redis: Redis,
  prefix: string,
  profile: { accountId: string; profileId: string },
  limit: number,
): Promise<Array<{ key: ResumeKey; entry: CachedEntry }> | null> {
  const videos = await redis.zrevrange(continueWatchingKey(prefix, profile), 0, limit - 1);
  if (videos.length === 0) return null;
  const pipeline = redis.pipeline();
  const keys = videos.map((videoId) => ({ ...profile, videoId }));
  for (const key of keys) pipeline.hmget(entryKey(prefix, key), 's', 'h');
  const results = (await pipeline.exec()) ?? [];
  const out: Array<{ key: ResumeKey; entry: CachedEntry }> = [];
  results.forEach(([error, value], i) => {
    if (error) throw error;
    const [s, h] = value as [string | null, string | null];
    if (s === null) return;
    out.push({ key: keys[i]!, entry: { state: JSON.parse(s), hiddenAt: h ? Number(h) : null } });
  });
  return out;
}
