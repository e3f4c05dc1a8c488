import {
  applyCheckpoint,
  type Applied,
  type Checkpoint,
  type PlaybackEvent,
  type ResumeState,
} from '../src/index.js';

/** The start of every story, epoch ms; times in tests are seconds after it. */
export const T0 = Date.UTC(2026, 0, 31, 20, 0, 0);

export function at(seconds: number): number {
  return T0 + seconds * 1000;
}

export interface CheckpointSpec {
  /** Event time, seconds after T0. */
  readonly t: number;
  readonly pos: number;
  readonly event?: PlaybackEvent;
  readonly device?: string;
  /** Defaults to a two-hour film; null for a player that does not know it. */
  readonly duration?: number | null;
}

export function checkpoint(spec: CheckpointSpec): Checkpoint {
  return {
    accountId: 'acct-1',
    profileId: 'p1',
    videoId: 'v1',
    deviceId: spec.device ?? 'tv-1',
    positionSeconds: spec.pos,
    event: spec.event ?? 'heartbeat',
    durationSeconds: spec.duration === undefined ? 7200 : spec.duration,
    sessionId: null,
    eventTime: at(spec.t),
  };
}

/** Applies checkpoints in arrival order from an unknown key; returns every step. */
export function replay(...specs: CheckpointSpec[]): Applied[] {
  const steps: Applied[] = [];
  let state: ResumeState | null = null;
  for (const spec of specs) {
    const applied = applyCheckpoint(state, checkpoint(spec));
    steps.push(applied);
    state = applied.state;
  }
  return steps;
}

/** The last step of a replay. */
export function finalOf(...specs: CheckpointSpec[]): Applied {
  const steps = replay(...specs);
  const last = steps[steps.length - 1];
  if (last === undefined) throw new Error('finalOf needs at least one checkpoint');
  return last;
}

export function stateOf(...specs: CheckpointSpec[]): ResumeState {
  return finalOf(...specs).state;
}

/** A state built directly, for the views. */
export function state(overrides: Partial<ResumeState> = {}): ResumeState {
  return {
    positionSeconds: 671,
    updatedAt: at(0),
    deviceId: 'tv-1',
    durationSeconds: 7200,
    completed: false,
    movedAt: at(0),
    held: null,
    ...overrides,
  };
}
