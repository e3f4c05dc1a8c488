import { DEFAULT_RULES, type ResumeRules } from './rules.js';
import type { Applied, Checkpoint, HeldRewind, Outcome, ResumeState } from './types.js';

/**
 * Applies one checkpoint to the state of its key. The only function that decides a
 * state: the checkpointer, the projector and every replay call it, so all stores agree.
 * Pure: the same state and checkpoint always give the same result, and applying a
 * checkpoint a second time changes nothing.
 */
export function applyCheckpoint(
  prev: ResumeState | null,
  cp: Checkpoint,
  rules: ResumeRules = DEFAULT_RULES,
): Applied {
  if (prev !== null && cp.eventTime <= prev.updatedAt) {
    return { state: prev, outcome: 'stale', changed: false };
  }

  const durationSeconds = cp.durationSeconds ?? prev?.durationSeconds ?? null;
  const position = clamp(cp.positionSeconds, durationSeconds);

  if (prev === null) {
    const completed = reachesEnd(position, durationSeconds, cp, rules);
    const state: ResumeState = {
      positionSeconds: position,
      updatedAt: cp.eventTime,
      deviceId: cp.deviceId,
      durationSeconds,
      completed,
      movedAt: cp.eventTime,
      held: null,
    };
    return { state, outcome: completed ? 'completed' : 'created', changed: true };
  }

  // Newer news, even when it moves nothing: the state is now known as of this time.
  const base: ResumeState = {
    ...prev,
    positionSeconds: clamp(prev.positionSeconds, durationSeconds),
    updatedAt: cp.eventTime,
    durationSeconds,
  };

  if (prev.completed) {
    return afterCompletion(base, cp, position, rules);
  }

  if (base.held !== null && playsOn(base.held, cp, position, rules)) {
    return moveTo(base, cp, position, 'promoted', rules);
  }

  // A seek is deliberate and an `ended` is explicit: both apply at once, whatever the size
  // of the move.
  if (cp.event === 'seek' || cp.event === 'ended') {
    return moveTo({ ...base, held: null }, cp, position, 'moved', rules);
  }

  const back = base.positionSeconds - position;

  if (back > rules.rewindHoldSeconds) {
    return {
      state: { ...base, held: holdRewind(base.held, cp, position) },
      outcome: 'held',
      changed: true,
    };
  }

  if (back > 0 && back < rules.jitterSeconds) {
    return { state: base, outcome: 'jitter', changed: true };
  }

  // A move from the device that was holding a rewind means it went on elsewhere.
  const held = base.held !== null && base.held.deviceId === cp.deviceId ? null : base.held;
  return moveTo({ ...base, held }, cp, position, 'moved', rules);
}

/**
 * Once completed, reports of the same viewing never reopen a video, seeks included. Only
 * a new `start` does: it is held like a large rewind and reopens the video once that
 * device plays on (rule 3). A seek by that device before it has played on moves the hold,
 * so play is counted from where the new viewing really is.
 */
function afterCompletion(
  base: ResumeState,
  cp: Checkpoint,
  position: number,
  rules: ResumeRules,
): Applied {
  // The new start this device made, if any; another device's reports are the old viewing.
  const restart = base.held !== null && base.held.deviceId === cp.deviceId ? base.held : null;

  if (restart !== null && cp.event !== 'start' && playsOn(restart, cp, position, rules)) {
    return moveTo({ ...base, completed: false }, cp, position, 'promoted', rules);
  }

  if (cp.event === 'start' || (cp.event === 'seek' && restart !== null)) {
    const held: HeldRewind = { positionSeconds: position, deviceId: cp.deviceId, at: cp.eventTime };
    return { state: { ...base, held }, outcome: 'held', changed: true };
  }

  return { state: base, outcome: 'after-completion', changed: true };
}

function moveTo(
  base: ResumeState,
  cp: Checkpoint,
  position: number,
  outcome: Outcome,
  rules: ResumeRules,
): Applied {
  const moved = position !== base.positionSeconds;
  const completed = reachesEnd(position, base.durationSeconds, cp, rules);
  const state: ResumeState = {
    ...base,
    positionSeconds: position,
    deviceId: cp.deviceId,
    completed,
    movedAt: moved ? cp.eventTime : base.movedAt,
    held: outcome === 'promoted' || completed ? null : base.held,
  };
  return { state, outcome: completed ? 'completed' : outcome, changed: true };
}

/** The device that started a held rewind has played on far enough, for long enough. */
function playsOn(held: HeldRewind, cp: Checkpoint, position: number, rules: ResumeRules): boolean {
  return (
    cp.deviceId === held.deviceId &&
    position >= held.positionSeconds + rules.playOnSeconds &&
    cp.eventTime >= held.at + rules.playOnMs
  );
}

/** A rewind keeps its origin while the device reports from it; a restart starts anew. */
function holdRewind(current: HeldRewind | null, cp: Checkpoint, position: number): HeldRewind {
  const sameRun =
    current !== null &&
    current.deviceId === cp.deviceId &&
    cp.event !== 'start' &&
    position >= current.positionSeconds;
  return sameRun ? current : { positionSeconds: position, deviceId: cp.deviceId, at: cp.eventTime };
}

function reachesEnd(
  position: number,
  durationSeconds: number | null,
  cp: Checkpoint,
  rules: ResumeRules,
): boolean {
  if (cp.event === 'ended') return true;
  return (
    durationSeconds !== null &&
    durationSeconds > 0 &&
    position >= durationSeconds * rules.completedRatio
  );
}

function clamp(position: number, durationSeconds: number | null): number {
  const floor = Math.max(0, position);
  return durationSeconds === null ? floor : Math.min(floor, durationSeconds);
}
