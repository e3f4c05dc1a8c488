import type { Pool } from './pool.js';
import { iso } from './resume-row.js';

const SQL = `
DELETE FROM resume_state
WHERE ctid IN (
  SELECT ctid FROM resume_state WHERE updated_at < $1 LIMIT $2
)`;

/** Deletes at most `limit` entries untouched since `before`; returns how many went. */
export async function deleteExpiredEntries(
  db: Pool,
  before: number,
  limit: number,
): Promise<number> {
  const result = await db.query(SQL, [iso(before), limit]);
  return result.rowCount ?? 0;
}
