import type { ResumeKey, ResumeState } from '@playhead/domain';
import type { Redis } from './client.js';
import { entryKey } from './keys.js';

export interface CachedEntry {
  readonly state: ResumeState;
  readonly hiddenAt: number | null;
}

/** The cached state of a key, or null on a miss. */
export async function readEntry(
  redis: Redis,
  prefix: string,
  key: ResumeKey,
): Promise<CachedEntry | null> {
  const [s, h] = await redis.hmget(entryKey(prefix, key), 's', 'h');
  if (s === null || s === undefined) return null;
  return { state: JSON.parse(s) as ResumeState, hiddenAt: h ? Number(h) : null };
}
