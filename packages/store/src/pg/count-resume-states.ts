import type { Pool } from './pool.js';

const SQL = `SELECT count(*)::bigint AS n FROM resume_state`;

/** How many entries the table holds; a full scan, for progress reports of whole-table jobs. */
export async function countResumeStates(db: Pool): Promise<number> {
  const result = await db.query<{ n: string }>(SQL);
  return Number(result.rows[0]?.n ?? 0);
}
