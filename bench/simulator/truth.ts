import { DEFAULT_RULES, type ResumeKey } from '@playhead/domain';
import type { PlannedCheckpoint } from './viewer.js';

/** What the system has been told of one key: the viewer's true last position. */
export interface TruthEntry {
  readonly key: ResumeKey;
  readonly positionSeconds: number;
  readonly durationSeconds: number;
  /** Completion is final for the simulator: its viewers never restart a completed video. */
  readonly completed: boolean;
  /** Simulated time of the last accepted checkpoint, epoch ms. */
  readonly simMs: number;
  /** Its event time as the server computed it (the 202's event_time), epoch ms. */
  readonly eventTime: number;
  /** Wall-clock time its 202 arrived, epoch ms. */
  readonly acceptedAt: number;
}

/** What a store answered for a key, reduced to what is compared. */
export interface Answer {
  readonly positionSeconds: number;
  readonly completed: boolean;
  /** updated_at, epoch ms. */
  readonly updatedAt: number;
}

/**
 * The true last position of every key, as of the checkpoints the system accepted (a 202).
 * A checkpoint still queued on an offline device is not known to anyone yet, so it is not
 * the truth the system can be held to.
 */
export class Truth {
  private readonly entries = new Map<string, TruthEntry>();

  get size(): number {
    return this.entries.size;
  }

  /** Records an accepted checkpoint; an older one than already known changes nothing. */
  accept(cp: PlannedCheckpoint, eventTime: number, acceptedAt: number): void {
    const prev = this.entries.get(cp.keyId);
    if (prev && prev.simMs >= cp.simMs) return;
    const completed =
      (prev?.completed ?? false) ||
      cp.event === 'ended' ||
      cp.positionSeconds >= cp.durationSeconds * DEFAULT_RULES.completedRatio;
    this.entries.set(cp.keyId, {
      key: cp.key,
      positionSeconds: cp.positionSeconds,
      durationSeconds: cp.durationSeconds,
      completed,
      simMs: cp.simMs,
      eventTime,
      acceptedAt,
    });
  }

  get(keyId: string): TruthEntry | undefined {
    return this.entries.get(keyId);
  }

  keyIds(): string[] {
    return [...this.entries.keys()];
  }

  values(): IterableIterator<TruthEntry> {
    return this.entries.values();
  }
}

/**
 * How far an answer's position is from the truth, in seconds of position. A completed
 * video resumes at 0 whatever its frozen position, so two completed answers agree.
 */
export function positionError(truth: TruthEntry, answer: Answer): number {
  if (truth.completed && answer.completed) return 0;
  return Math.abs(truth.positionSeconds - answer.positionSeconds);
}

/** How much older the answer is than the truth, in ms of event time; 0 when it is as new. */
export function timeLag(truth: TruthEntry, answer: Answer): number {
  return Math.max(0, truth.eventTime - answer.updatedAt);
}

/** The answer shows exactly the last accepted checkpoint. */
export function matches(truth: TruthEntry, answer: Answer): boolean {
  return answer.updatedAt === truth.eventTime && positionError(truth, answer) === 0;
}
