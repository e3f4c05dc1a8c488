import type { Pool } from '@playhead/store';

const SQL = `
INSERT INTO bench_baseline_resume AS b (
  account_id, profile_id, video_id, position_seconds, duration_seconds, device_id, event,
  updated_at
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (account_id, profile_id, video_id) DO UPDATE SET
  position_seconds = EXCLUDED.position_seconds,
  duration_seconds = EXCLUDED.duration_seconds,
  device_id = EXCLUDED.device_id,
  event = EXCLUDED.event,
  updated_at = EXCLUDED.updated_at,
  written_at = now()
WHERE b.updated_at < EXCLUDED.updated_at`;

export interface BaselineCheckpoint {
  readonly accountId: string;
  readonly profileId: string;
  readonly videoId: string;
  readonly positionSeconds: number;
  readonly durationSeconds: number | null;
  readonly deviceId: string;
  readonly event: string;
  /** Event time, epoch ms. */
  readonly eventTime: number;
}

/** Writes one checkpoint as the naive design does; true when the row changed. */
export async function upsertBaselineCheckpoint(db: Pool, cp: BaselineCheckpoint): Promise<boolean> {
  const result = await db.query({
    name: 'bench-upsert-baseline-checkpoint',
    text: SQL,
    values: [
      cp.accountId,
      cp.profileId,
      cp.videoId,
      cp.positionSeconds,
      cp.durationSeconds,
      cp.deviceId,
      cp.event,
      new Date(cp.eventTime).toISOString(),
    ],
  });
  return (result.rowCount ?? 0) > 0;
}
