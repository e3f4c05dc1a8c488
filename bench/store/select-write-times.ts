import type { ResumeKey } from '@playhead/domain';
import type { Pool } from '@playhead/store';

const SQL = `
SELECT r.account_id, r.profile_id, r.video_id, r.position_seconds, r.completed,
  r.updated_at, r.written_at
FROM unnest($1::text[], $2::text[], $3::text[]) AS k(account_id, profile_id, video_id)
JOIN resume_state r USING (account_id, profile_id, video_id)`;

export interface WriteTime {
  readonly id: string;
  readonly positionSeconds: number;
  readonly completed: boolean;
  readonly updatedAt: number;
  /** When the checkpointer's upsert last changed the row, on the database's clock. */
  readonly writtenAt: number;
}

/** The rows of `keys` with the time each was last written, to time the debounce. */
export async function selectWriteTimes(db: Pool, keys: readonly ResumeKey[]): Promise<WriteTime[]> {
  const result = await db.query<{
    account_id: string;
    profile_id: string;
    video_id: string;
    position_seconds: number;
    completed: boolean;
    updated_at: Date;
    written_at: Date;
  }>(SQL, [keys.map((k) => k.accountId), keys.map((k) => k.profileId), keys.map((k) => k.videoId)]);
  return result.rows.map((r) => ({
    id: `${r.account_id}#${r.profile_id}#${r.video_id}`,
    positionSeconds: r.position_seconds,
    completed: r.completed,
    updatedAt: r.updated_at.getTime(),
    writtenAt: r.written_at.getTime(),
  }));
}
