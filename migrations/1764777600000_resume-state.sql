-- Up Migration

-- The resume state of one key, written by the checkpointer through a conditional upsert
-- (a row only ever moves forward in updated_at). hidden_at belongs to the viewer's
-- "remove from continue watching" and is never touched by the upsert.
CREATE TABLE resume_state (
  account_id             text             NOT NULL,
  profile_id             text             NOT NULL,
  video_id               text             NOT NULL,
  position_seconds       double precision NOT NULL CHECK (position_seconds >= 0),
  duration_seconds       double precision CHECK (duration_seconds > 0),
  device_id              text             NOT NULL,
  completed              boolean          NOT NULL DEFAULT false,
  updated_at             timestamptz      NOT NULL,
  moved_at               timestamptz      NOT NULL,
  held_position_seconds  double precision,
  held_device_id         text,
  held_at                timestamptz,
  hidden_at              timestamptz,
  written_at             timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, profile_id, video_id),
  CHECK ((held_position_seconds IS NULL) = (held_device_id IS NULL) AND (held_device_id IS NULL) = (held_at IS NULL))
);

-- Continue watching: a profile's entries, newest first.
CREATE INDEX resume_state_profile_recent ON resume_state (account_id, profile_id, updated_at DESC);

-- Retention: entries untouched for longer than the retention period.
CREATE INDEX resume_state_updated_at ON resume_state (updated_at);

-- Down Migration

DROP TABLE resume_state;
