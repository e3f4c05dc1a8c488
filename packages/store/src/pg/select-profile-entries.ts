import type { Pool } from './pool.js';
import { fromRow, RESUME_COLUMNS, type ResumeRow, type StoredEntry } from './resume-row.js';

const SQL = `
SELECT ${RESUME_COLUMNS}
FROM resume_state r
WHERE r.account_id = $1 AND r.profile_id = $2 AND NOT r.completed
ORDER BY r.updated_at DESC
LIMIT $3`;

/**
 * A profile's newest entries that are not completed, for continue watching. The caller
 * applies the rest of the listing rule (worth resuming, not hidden), so it asks for more
 * than it shows.
 */
export async function selectProfileEntries(
  db: Pool,
  profile: { accountId: string; profileId: string },
  limit: number,
): Promise<StoredEntry[]> {
  const result = await db.query<ResumeRow>({
    name: 'select-profile-entries',
    text: SQL,
    values: [profile.accountId, profile.profileId, limit],
  });
  return result.rows.map(fromRow);
}
