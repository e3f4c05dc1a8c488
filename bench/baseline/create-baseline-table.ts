import type { Pool } from '@playhead/store';

// The naive design the pipeline is measured against: every checkpoint written straight to
// PostgreSQL. Same key and the same last-write-wins condition as resume_state, so it
// changes a row exactly when a checkpoint is newer.
const SQL = `
CREATE TABLE IF NOT EXISTS bench_baseline_resume (
  account_id        text             NOT NULL,
  profile_id        text             NOT NULL,
  video_id          text             NOT NULL,
  position_seconds  double precision NOT NULL,
  duration_seconds  double precision,
  device_id         text             NOT NULL,
  event             text             NOT NULL,
  updated_at        timestamptz      NOT NULL,
  written_at        timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, profile_id, video_id)
)`;

export async function createBaselineTable(db: Pool): Promise<void> {
  await db.query(SQL);
}
