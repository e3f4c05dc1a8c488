import type { ResumeKey } from '@playhead/domain';
import type { Pool } from './pool.js';
import { iso } from './resume-row.js';

const SQL = `
UPDATE resume_state
SET hidden_at = GREATEST(COALESCE(hidden_at, $4::timestamptz), $4::timestamptz)
WHERE account_id = $1 AND profile_id = $2 AND video_id = $3`;

/** Marks an entry hidden from continue watching as of `at`; true when the key exists. */
export async function hideEntry(db: Pool, key: ResumeKey, at: number): Promise<boolean> {
  const result = await db.query(SQL, [key.accountId, key.profileId, key.videoId, iso(at)]);
  return (result.rowCount ?? 0) > 0;
}
