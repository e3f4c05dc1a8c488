import type { ResumeKey, ResumeState } from '@playhead/domain';

/** A key with its state and, when the viewer hid it, when. */
export interface StoredEntry {
  readonly key: ResumeKey;
  readonly state: ResumeState;
  readonly hiddenAt: number | null;
}

/** The columns every select returns, in the order `fromRow` reads them. */
export const RESUME_COLUMNS = `r.account_id, r.profile_id, r.video_id, r.position_seconds,
  r.duration_seconds, r.device_id, r.completed, r.updated_at, r.moved_at,
  r.held_position_seconds, r.held_device_id, r.held_at, r.hidden_at`;

export interface ResumeRow {
  account_id: string;
  profile_id: string;
  video_id: string;
  position_seconds: number;
  duration_seconds: number | null;
  device_id: string;
  completed: boolean;
  updated_at: Date;
  moved_at: Date;
  held_position_seconds: number | null;
  held_device_id: string | null;
  held_at: Date | null;
  hidden_at: Date | null;
}

export function fromRow(row: ResumeRow): StoredEntry {
  const held =
    row.held_device_id !== null && row.held_at !== null && row.held_position_seconds !== null
      ? {
          positionSeconds: row.held_position_seconds,
          deviceId: row.held_device_id,
          at: row.held_at.getTime(),
        }
      : null;
  return {
    key: { accountId: row.account_id, profileId: row.profile_id, videoId: row.video_id },
    state: {
      positionSeconds: row.position_seconds,
      updatedAt: row.updated_at.getTime(),
      deviceId: row.device_id,
      durationSeconds: row.duration_seconds,
      completed: row.completed,
      movedAt: row.moved_at.getTime(),
      held,
    },
    hiddenAt: row.hidden_at?.getTime() ?? null,
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
