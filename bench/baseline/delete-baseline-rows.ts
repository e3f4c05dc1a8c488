import type { Pool } from '@playhead/store';

const SQL = `DELETE FROM bench_baseline_resume WHERE account_id LIKE $1`;

/** Removes one run's rows; runs never share account ids. */
export async function deleteBaselineRows(db: Pool, accountPrefix: string): Promise<number> {
  const result = await db.query(SQL, [`${accountPrefix.replace(/[\\%_]/g, '\\$&')}%`]);
  return result.rowCount ?? 0;
}
