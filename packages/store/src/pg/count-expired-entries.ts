import type { Pool } from './pool.js';
import { iso } from './resume-row.js';

const SQL = `
SELECT count(*)::bigint AS n
FROM resume_state
WHERE updated_at < $1`;

/** How many entries have been untouched since `before`: what retention would delete. */
export async function countExpiredEntries(db: Pool, before: number): Promise<number> {
  const result = await db.query<{ n: string }>(SQL, [iso(before)]);
  return Number(result.rows[0]?.n ?? 0);
}
