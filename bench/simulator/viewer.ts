import { DEFAULT_RULES, keyString, type PlaybackEvent, type ResumeKey } from '@playhead/domain';
import type { Video } from './catalog.js';
import type { Random } from './random.js';

/** Chances per heartbeat of each thing a player does besides playing on. */
export interface Behaviour {
  readonly heartbeatMs: number;
  readonly pause: number;
  readonly seek: number;
  readonly background: number;
  readonly deviceSwitch: number;
  /** Going offline: heartbeats are queued and uploaded later as one batch. */
  readonly offline: number;
  /** Giving up on a video before its end. */
  readonly stop: number;
}

export const PLAYER_BEHAVIOUR: Behaviour = Object.freeze({
  heartbeatMs: 10_000,
  pause: 0.02,
  seek: 0.015,
  background: 0.01,
  deviceSwitch: 0.005,
  offline: 0.005,
  stop: 0.005,
});

export interface Device {
  readonly id: string;
  /** How wrong this device's clock is; the server's skew correction cancels it. */
  readonly clockOffsetMs: number;
}

/** One checkpoint as the player reports it, on its own simulated clock. */
export interface PlannedCheckpoint {
  readonly key: ResumeKey;
  readonly keyId: string;
  readonly deviceId: string;
  readonly clockOffsetMs: number;
  readonly positionSeconds: number;
  readonly durationSeconds: number;
  readonly event: PlaybackEvent;
  readonly sessionId: string;
  /** When it happened, simulated epoch ms. */
  readonly simMs: number;
}

/** What a player sends at one moment: one checkpoint, or an offline queue as a batch. */
export interface Upload {
  readonly viewer: Viewer;
  readonly checkpoints: PlannedCheckpoint[];
  readonly offline: boolean;
}

type Phase = 'idle' | 'playing' | 'paused' | 'background' | 'switching' | 'offline';

const SECOND = 1000;

/**
 * One viewer (an account's profile) with a few devices, watching videos one after another
 * like a real player: a start, a heartbeat every 10 s, pauses, seeks, trips to the
 * background, moves to another device, offline stretches uploaded later, and videos played
 * to the end or dropped.
 *
 * The player never moves backwards except by a seek, and once a video reaches completion
 * it only plays on to the end (credits): so the position the player last reported is
 * exactly what the resume rules must answer, and a test can check it.
 */
export class Viewer {
  /** Simulated time of this viewer's next action. */
  nextAt: number;
  private phase: Phase = 'idle';
  private video: Video | null = null;
  private position = 0;
  private deviceIndex = 0;
  private sessions = 0;
  private readonly progress = new Map<string, { position: number; completed: boolean }>();
  private offlineQueue: PlannedCheckpoint[] = [];
  private offlineLeft = 0;

  constructor(
    readonly accountId: string,
    readonly profileId: string,
    private readonly devices: readonly Device[],
    private readonly catalog: readonly Video[],
    private readonly random: Random,
    private readonly behaviour: Behaviour,
    startAt: number,
  ) {
    this.nextAt = startAt;
  }

  /** Acts at `nextAt` and schedules the next action; null when nothing is uploaded now. */
  step(): Upload | null {
    const now = this.nextAt;
    switch (this.phase) {
      case 'idle':
        return this.startVideo(now);
      case 'playing':
        return this.playOn(now);
      case 'offline':
        return this.playOffline(now);
      case 'paused':
      case 'background':
        this.phase = 'playing';
        this.nextAt = now + this.behaviour.heartbeatMs;
        return this.upload('heartbeat', now);
      case 'switching':
        this.deviceIndex = (this.deviceIndex + 1) % this.devices.length;
        this.sessions += 1;
        this.phase = 'playing';
        this.nextAt = now + this.behaviour.heartbeatMs;
        return this.upload('start', now);
    }
  }

  private startVideo(now: number): Upload | null {
    const candidates = this.catalog.filter((v) => !this.progress.get(v.id)?.completed);
    if (candidates.length === 0) {
      this.nextAt = Number.POSITIVE_INFINITY;
      return null;
    }
    const video = this.random.pick(candidates);
    const known = this.progress.get(video.id);
    // A viewer's first video is often one they had started before the run.
    const first = this.progress.size === 0 && this.random.chance(0.6);
    this.video = video;
    this.position =
      known?.position ?? (first ? round(this.random.between(0, video.durationSeconds * 0.8)) : 0);
    this.deviceIndex = this.random.int(0, this.devices.length - 1);
    this.sessions += 1;
    this.phase = 'playing';
    this.nextAt = now + this.behaviour.heartbeatMs;
    return this.upload('start', now);
  }

  private playOn(now: number): Upload | null {
    const video = this.video!;
    const b = this.behaviour;
    this.position = Math.min(video.durationSeconds, round(this.position + b.heartbeatMs / SECOND));
    if (this.position >= video.durationSeconds) return this.finish(now);
    // Past completion the player only plays the credits out.
    if (this.completed()) {
      this.nextAt = now + b.heartbeatMs;
      return this.upload('heartbeat', now);
    }

    let r = this.random.next();
    if ((r -= b.pause) < 0) {
      this.phase = 'paused';
      this.nextAt = now + this.random.between(5, 180) * SECOND;
      return this.upload('pause', now);
    }
    if ((r -= b.seek) < 0) {
      const jump = this.random.chance(0.6)
        ? this.random.between(30, 600)
        : -this.random.between(15, 900);
      this.position = round(
        Math.max(0, Math.min(video.durationSeconds * 0.85, this.position + jump)),
      );
      this.nextAt = now + b.heartbeatMs;
      return this.upload('seek', now);
    }
    if ((r -= b.background) < 0) {
      this.phase = 'background';
      this.nextAt = now + this.random.between(30, 600) * SECOND;
      return this.upload('background', now);
    }
    if ((r -= b.deviceSwitch) < 0 && this.devices.length > 1) {
      this.phase = 'switching';
      this.nextAt = now + this.random.between(5, 60) * SECOND;
      return this.upload('stop', now);
    }
    if ((r -= b.offline) < 0) {
      this.phase = 'offline';
      this.offlineLeft = this.random.int(3, 12);
      return this.playOffline(now, false);
    }
    if ((r -= b.stop) < 0) {
      this.phase = 'idle';
      this.nextAt = now + this.random.between(10, 300) * SECOND;
      return this.upload('stop', now);
    }
    this.nextAt = now + b.heartbeatMs;
    return this.upload('heartbeat', now);
  }

  /** Queues a heartbeat; once back online (or at completion) uploads the queue at once. */
  private playOffline(now: number, advance = true): Upload | null {
    const video = this.video!;
    if (advance) {
      this.position = Math.min(
        video.durationSeconds,
        round(this.position + this.behaviour.heartbeatMs / SECOND),
      );
    }
    const ending = this.position >= video.durationSeconds;
    this.offlineQueue.push(this.checkpoint(ending ? 'ended' : 'heartbeat', now));
    this.offlineLeft -= 1;
    this.nextAt = now + this.behaviour.heartbeatMs;
    if (this.offlineLeft > 0 && !this.completed()) return null;

    const checkpoints = this.offlineQueue;
    this.offlineQueue = [];
    this.phase = 'playing';
    if (ending) this.afterEnd(now);
    return { viewer: this, checkpoints, offline: true };
  }

  private finish(now: number): Upload {
    const upload = this.upload('ended', now);
    this.afterEnd(now);
    return upload;
  }

  private afterEnd(now: number): void {
    this.phase = 'idle';
    this.video = null;
    this.nextAt = now + this.random.between(10, 120) * SECOND;
  }

  private completed(): boolean {
    const video = this.video!;
    return this.position >= video.durationSeconds * DEFAULT_RULES.completedRatio;
  }

  private upload(event: PlaybackEvent, now: number): Upload {
    return { viewer: this, checkpoints: [this.checkpoint(event, now)], offline: false };
  }

  private checkpoint(event: PlaybackEvent, now: number): PlannedCheckpoint {
    const video = this.video!;
    const device = this.devices[this.deviceIndex]!;
    const completed =
      (this.progress.get(video.id)?.completed ?? false) || event === 'ended' || this.completed();
    this.progress.set(video.id, { position: this.position, completed });
    const key = { accountId: this.accountId, profileId: this.profileId, videoId: video.id };
    return {
      key,
      keyId: keyString(key),
      deviceId: device.id,
      clockOffsetMs: device.clockOffsetMs,
      positionSeconds: this.position,
      durationSeconds: video.durationSeconds,
      event,
      sessionId: `${device.id}-${this.sessions}`,
      simMs: now,
    };
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
