import { DEFAULT_RULES, type ResumeRules } from './rules.js';
import type { Applied, PlaybackEvent, ResumeState } from './types.js';

/** What the database last received for a key. */
export interface LastWrite {
  readonly positionSeconds: number;
  /** Wall-clock time of that write, epoch ms. */
  readonly at: number;
}

export type WriteDecision = 'skip' | 'now' | 'wait';

const AT_ONCE: ReadonlySet<PlaybackEvent> = new Set([
  'pause',
  'background',
  'stop',
  'seek',
  'ended',
]);

/**
 * Whether an applied checkpoint goes to the database at once, waits for the timer, or is
 * not worth a write. `lastWrite` is null for a key the database has never seen.
 */
export function decideWrite(
  prev: ResumeState | null,
  applied: Applied,
  event: PlaybackEvent,
  lastWrite: LastWrite | null,
  rules: ResumeRules = DEFAULT_RULES,
): WriteDecision {
  if (!applied.changed) return 'skip';
  if (lastWrite === null) return 'now';
  if (AT_ONCE.has(event)) return 'now';
  if (applied.outcome === 'promoted') return 'now';
  if (applied.state.completed && !(prev?.completed ?? false)) return 'now';

  const moved = Math.abs(applied.state.positionSeconds - lastWrite.positionSeconds);
  return moved > rules.writeMoveSeconds ? 'now' : 'wait';
}

/** Whether a waiting checkpoint is due, by the timer, at wall-clock time `now`. */
export function isWriteDue(
  lastWrite: LastWrite | null,
  now: number,
  rules: ResumeRules = DEFAULT_RULES,
): boolean {
  return lastWrite === null || now - lastWrite.at >= rules.writeMaxDelayMs;
}
