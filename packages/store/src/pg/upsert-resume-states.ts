import type { Pool } from './pool.js';
import type { ResumeKey, ResumeState } from '@playhead/domain';
import { iso } from './resume-row.js';

/**
 * Writes a batch of states in one statement. A row changes only where the stored
 * updated_at is older than the new one, so a replay, a duplicate or a late batch never
 * moves a position back. The batch must not hold the same key twice (Postgres refuses
 * to update one row twice in a statement). Returns the keys whose row changed; a key
 * missing from it already held a state as new or newer.
 */
const SQL = `
INSERT INTO resume_state AS r (
  account_id, profile_id, video_id, position_seconds, duration_seconds, device_id,
  completed, updated_at, moved_at, held_position_seconds, held_device_id, held_at
)
SELECT * FROM unnest(
  $1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[],
  $7::bool[], $8::timestamptz[], $9::timestamptz[], $10::float8[], $11::text[], $12::timestamptz[]
)
ON CONFLICT (account_id, profile_id, video_id) DO UPDATE SET
  position_seconds = EXCLUDED.position_seconds,
  duration_seconds = EXCLUDED.duration_seconds,
  device_id = EXCLUDED.device_id,
  completed = EXCLUDED.completed,
  updated_at = EXCLUDED.updated_at,
  moved_at = EXCLUDED.moved_at,
  held_position_seconds = EXCLUDED.held_position_seconds,
  held_device_id = EXCLUDED.held_device_id,
  held_at = EXCLUDED.held_at,
  written_at = now()
WHERE r.updated_at < EXCLUDED.updated_at
RETURNING account_id, profile_id, video_id`;

export async function upsertResumeStates(
  db: Pool,
  entries: ReadonlyArray<{ key: ResumeKey; state: ResumeState }>,
): Promise<ResumeKey[]> {
  if (entries.length === 0) return [];
  const columns: unknown[][] = Array.from({ length: 12 }, () => []);
  for (const { key, state } of entries) {
    const values = [
      key.accountId,
      key.profileId,
      key.videoId,
      state.positionSeconds,
      state.durationSeconds,
      state.deviceId,
      state.completed,
      iso(state.updatedAt),
      iso(state.movedAt),
      state.held?.positionSeconds ?? null,
      state.held?.deviceId ?? null,
      state.held ? iso(state.held.at) : null,
    ];
    values.forEach((v, i) => columns[i]!.push(v));
  }
  const result = await db.query<{ account_id: string; profile_id: string; video_id: string }>(
    SQL,
    columns,
  );
  return result.rows.map((r) => ({
    accountId: r.account_id,
    profileId: r.profile_id,
    videoId: r.video_id,
  }));
}
