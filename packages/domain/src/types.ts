export const PLAYBACK_EVENTS = [
  'start',
  'heartbeat',
  'pause',
  'background',
  'seek',
  'stop',
  'ended',
] as const;

export type PlaybackEvent = (typeof PLAYBACK_EVENTS)[number];

/** What identifies a progress entry: every profile of an account has its own. */
export interface ResumeKey {
  readonly accountId: string;
  readonly profileId: string;
  readonly videoId: string;
}

/** One report from a player, with its event time already on the server's clock. */
export interface Checkpoint extends ResumeKey {
  readonly deviceId: string;
  readonly positionSeconds: number;
  readonly event: PlaybackEvent;
  readonly durationSeconds: number | null;
  readonly sessionId: string | null;
  /** Event time, epoch milliseconds, server clock. */
  readonly eventTime: number;
}

/** A large move backwards that waits for the same device to play on from it. */
export interface HeldRewind {
  readonly positionSeconds: number;
  readonly deviceId: string;
  readonly at: number;
}

/** All that is known of one key; the same shape in memory, in Redis and in PostgreSQL. */
export interface ResumeState {
  readonly positionSeconds: number;
  /** Event time of the newest checkpoint applied, epoch milliseconds. */
  readonly updatedAt: number;
  /** The device that reported the current position. */
  readonly deviceId: string;
  readonly durationSeconds: number | null;
  readonly completed: boolean;
  /** Event time at which the position last changed; a hidden entry returns after it. */
  readonly movedAt: number;
  readonly held: HeldRewind | null;
}

/** What applying a checkpoint did, for the write decision and for metrics. */
export type Outcome =
  'created' | 'stale' | 'moved' | 'jitter' | 'held' | 'promoted' | 'completed' | 'after-completion';

export interface Applied {
  readonly state: ResumeState;
  readonly outcome: Outcome;
  /** False only for a checkpoint that changed nothing at all. */
  readonly changed: boolean;
}
