import type { ResumeKey } from '@playhead/domain';
import type { Pool } from './pool.js';
import { fromRow, RESUME_COLUMNS, type ResumeRow, type StoredEntry } from './resume-row.js';

const SQL = `
SELECT ${RESUME_COLUMNS}
FROM resume_state r
WHERE r.account_id = $1 AND r.profile_id = $2 AND r.video_id = $3`;

export async function selectResumeState(db: Pool, key: ResumeKey): Promise<StoredEntry | null> {
  const result = await db.query<ResumeRow>({
    name: 'select-resume-state',
    text: SQL,
    values: [key.accountId, key.profileId, key.videoId],
  });
  const row = result.rows[0];
  return row ? fromRow(row) : null;
}
