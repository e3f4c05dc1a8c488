/**
 * The numbers behind the resume rules. Every rule is fixed; its thresholds are settings,
 * with the defaults of the domain contract.
 */
export interface ResumeRules {
  /** A non-seek move backwards shorter than this is jitter and is ignored. */
  readonly jitterSeconds: number;
  /** A non-seek move backwards longer than this is held until the device plays on. */
  readonly rewindHoldSeconds: number;
  /** How far past a held rewind the same device must play before it counts. */
  readonly playOnSeconds: number;
  /** How much event time must pass after a held rewind before it counts. */
  readonly playOnMs: number;
  /** Slack allowed past `duration_seconds` before a position is refused. */
  readonly endSlackSeconds: number;
  /** Share of the duration at which a video counts as completed. */
  readonly completedRatio: number;
  /** Positions below this give nothing worth resuming. */
  readonly minResumeSeconds: number;
  /** Videos shorter than this never offer resume. */
  readonly minDurationSeconds: number;
  /** Oldest event time accepted, relative to the receive time. */
  readonly maxEventAgeMs: number;
  /** A key whose position moved further than this since its last write is written at once. */
  readonly writeMoveSeconds: number;
  /** A waiting checkpoint is written at the latest this long after the key's last write. */
  readonly writeMaxDelayMs: number;
  /** Entries untouched this long expire from every store. */
  readonly retentionMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_RULES: ResumeRules = Object.freeze({
  jitterSeconds: 10,
  rewindHoldSeconds: 300,
  playOnSeconds: 30,
  playOnMs: 30_000,
  endSlackSeconds: 5,
  completedRatio: 0.9,
  minResumeSeconds: 60,
  minDurationSeconds: 300,
  maxEventAgeMs: 30 * DAY_MS,
  writeMoveSeconds: 15,
  writeMaxDelayMs: 60_000,
  retentionMs: 180 * DAY_MS,
});
