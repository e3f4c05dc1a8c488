import type { Result } from 'ioredis';
import type { ResumeKey } from '@playhead/domain';
import type { Redis } from './client.js';
import { continueWatchingKey, entryKey } from './keys.js';

const SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  local h = redis.call('HGET', KEYS[1], 'h')
  if not h or tonumber(h) < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'h', ARGV[1]) end
end
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    playheadHideEntry(
      entry: string,
      list: string,
      at: number,
      videoId: string,
    ): Result<number, Context>;
  }
}

export function defineHideEntry(redis: Redis): void {
  redis.defineCommand('playheadHideEntry', { numberOfKeys: 2, lua: SCRIPT });
}

/** Hides an entry from the profile's list as of `at`; a later move brings it back. */
export async function hideCachedEntry(
  redis: Redis,
  prefix: string,
  key: ResumeKey,
  at: number,
): Promise<void> {
  await redis.playheadHideEntry(
    entryKey(prefix, key),
    continueWatchingKey(prefix, key),
    at,
    key.videoId,
  );
}
