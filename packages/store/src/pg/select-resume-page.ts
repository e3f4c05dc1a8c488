import type { ResumeKey } from '@playhead/domain';
import type { Pool } from './pool.js';
import { fromRow, RESUME_COLUMNS, type ResumeRow, type StoredEntry } from './resume-row.js';

// Keyset pagination on the primary key: each page starts after the last key of the one
// before, so a walk over the whole table costs one index range scan per page, and rows
// written meanwhile neither shift pages nor get read twice.
const SQL = `
SELECT ${RESUME_COLUMNS}
FROM resume_state r
WHERE (r.account_id, r.profile_id, r.video_id) > ($1, $2, $3)
ORDER BY r.account_id, r.profile_id, r.video_id
LIMIT $4`;

/** Up to `limit` entries in key order after `after` (null: from the first key). */
export async function selectResumePage(
  db: Pool,
  after: ResumeKey | null,
  limit: number,
): Promise<StoredEntry[]> {
  const result = await db.query<ResumeRow>({
    name: 'select-resume-page',
    text: SQL,
    values: [after?.accountId ?? '', after?.profileId ?? '', after?.videoId ?? '', limit],
  });
  return result.rows.map(fromRow);
}
