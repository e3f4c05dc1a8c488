import type { ResumeKey } from '@playhead/domain';
import type { Pool } from './pool.js';
import { fromRow, RESUME_COLUMNS, type ResumeRow, type StoredEntry } from './resume-row.js';

const SQL = `
SELECT ${RESUME_COLUMNS}
FROM unnest($1::text[], $2::text[], $3::text[]) AS k(account_id, profile_id, video_id)
JOIN resume_state r USING (account_id, profile_id, video_id)`;

/** The stored entries of many keys at once; keys never written are absent. */
export async function selectResumeStates(
  db: Pool,
  keys: ReadonlyArray<ResumeKey>,
): Promise<StoredEntry[]> {
  if (keys.length === 0) return [];
  const result = await db.query<ResumeRow>(SQL, [
    keys.map((k) => k.accountId),
    keys.map((k) => k.profileId),
    keys.map((k) => k.videoId),
  ]);
  return result.rows.map(fromRow);
}
