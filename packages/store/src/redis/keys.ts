import type { ResumeKey } from '@playhead/domain';

// Ids are percent-encoded so no id can steer a key into another's space, and a profile's
// keys share one hash tag so the scripts that touch an entry and its profile list run on
// one Redis Cluster slot.
const enc = encodeURIComponent;

function profileTag(accountId: string, profileId: string): string {
  return `{${enc(accountId)}:${enc(profileId)}}`;
}

/** Hash holding one key's state (`s`), updated_at (`u`) and hidden_at (`h`). */
export function entryKey(prefix: string, key: ResumeKey): string {
  return `${prefix}:${profileTag(key.accountId, key.profileId)}:v:${enc(key.videoId)}`;
}

/** Sorted set of a profile's listed videos, scored by updated_at. */
export function continueWatchingKey(
  prefix: string,
  profile: { accountId: string; profileId: string },
): string {
  return `${prefix}:${profileTag(profile.accountId, profile.profileId)}:cw`;
}
