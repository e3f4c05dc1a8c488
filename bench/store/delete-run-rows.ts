import type { Pool } from '@playhead/store';

const SQL = `DELETE FROM resume_state WHERE account_id LIKE $1`;

/** Removes the rows one bench run wrote to resume_state; runs never share account ids. */
export async function deleteRunRows(db: Pool, accountPrefix: string): Promise<number> {
  const result = await db.query(SQL, [`${accountPrefix.replace(/[\\%_]/g, '\\$&')}%`]);
  return result.rowCount ?? 0;
}
