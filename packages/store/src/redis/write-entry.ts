import type { Result } from 'ioredis';
import { isListed, type ResumeKey, type ResumeRules, type ResumeState } from '@playhead/domain';
import type { Redis } from './client.js';
import { continueWatchingKey, entryKey } from './keys.js';

/**
 * Stores a state only when it is newer than the one held, so Redis never goes back in
 * time whatever order writers arrive in; then files the video on the profile's list or
 * takes it off, respecting a hide newer than the last move. Both keys expire with the
 * retention period, counted from updated_at.
 *
 * KEYS: entry, list. ARGV: state JSON, updated_at, moved_at, listable (1/0), expire-at ms,
 * video id, hidden_at or '' (merged, newest wins), list cap.
 */
const SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'u')
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[1], 'u', ARGV[2])
if ARGV[7] ~= '' then
  local h = redis.call('HGET', KEYS[1], 'h')
  if not h or tonumber(h) < tonumber(ARGV[7]) then redis.call('HSET', KEYS[1], 'h', ARGV[7]) end
end
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
local hidden = redis.call('HGET', KEYS[1], 'h')
if ARGV[4] == '1' and (not hidden or tonumber(ARGV[3]) > tonumber(hidden)) then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[6])
  local n = redis.call('ZCARD', KEYS[2])
  if n > tonumber(ARGV[8]) then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - tonumber(ARGV[8]) - 1) end
  local ttl = redis.call('PEXPIRETIME', KEYS[2])
  if ttl < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[2], ARGV[5]) end
else
  redis.call('ZREM', KEYS[2], ARGV[6])
end
return 1`;

/** Longest continue-watching list kept per profile. */
export const LIST_CAP = 500;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    playheadWriteEntry(
      entry: string,
      list: string,
      ...args: (string | number)[]
    ): Result<number, Context>;
  }
}

export function defineWriteEntry(redis: Redis): void {
  redis.defineCommand('playheadWriteEntry', { numberOfKeys: 2, lua: SCRIPT });
}

/** True when the state was stored, false when Redis already held one as new or newer. */
export async function writeEntry(
  redis: Redis,
  prefix: string,
  entry: { key: ResumeKey; state: ResumeState; hiddenAt: number | null },
  rules: ResumeRules,
): Promise<boolean> {
  const { key, state } = entry;
  const listable = isListed(state, null, rules) ? '1' : '0';
  const stored = await redis.playheadWriteEntry(
    entryKey(prefix, key),
    continueWatchingKey(prefix, key),
    JSON.stringify(state),
    state.updatedAt,
    state.movedAt,
    listable,
    state.updatedAt + rules.retentionMs,
    key.videoId,
    entry.hiddenAt ?? '',
    LIST_CAP,
  );
  return stored === 1;
}
