import type { ResumeKey } from './types.js';

/** The Kafka message key: `account_id#profile_id#video_id`. Ids never hold `#`. */
export function keyString(key: ResumeKey): string {
  return `${key.accountId}#${key.profileId}#${key.videoId}`;
}

export function parseKeyString(text: string): ResumeKey | null {
  const parts = text.split('#');
  if (parts.length !== 3) return null;
  const [accountId, profileId, videoId] = parts as [string, string, string];
  return { accountId, profileId, videoId };
}
