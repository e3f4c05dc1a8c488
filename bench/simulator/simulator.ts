import { makeCatalog, type Video } from './catalog.js';
import type { SimClock } from './clock.js';
import { Random } from './random.js';
import {
  Viewer,
  type Behaviour,
  type Device,
  type PlannedCheckpoint,
  type Upload,
} from './viewer.js';

export interface ViewerOptions {
  readonly count: number;
  /** Prefix of every account id, unique per run so runs never share keys. */
  readonly accountPrefix: string;
  readonly seed: number;
  readonly behaviour: Behaviour;
  readonly clock: SimClock;
  readonly catalogSize?: number;
}

const DEVICE_KINDS = ['tv', 'phone', 'tablet', 'web'] as const;

/**
 * Makes the viewers: two profiles per account, two or three devices each with a clock
 * error of up to ten minutes, first actions spread over the first heartbeat interval.
 */
export function createViewers(options: ViewerOptions): Viewer[] {
  const random = new Random(options.seed);
  const catalog: Video[] = makeCatalog(random, options.catalogSize ?? 2000);
  const viewers: Viewer[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const accountId = `${options.accountPrefix}-a${Math.floor(i / 2)}`;
    const kinds = [...DEVICE_KINDS].sort(() => random.next() - 0.5).slice(0, random.int(2, 3));
    const devices: Device[] = kinds.map((kind) => ({
      id: `${kind}-${i}`,
      clockOffsetMs: Math.round(random.between(-600_000, 600_000)),
    }));
    const startAt =
      options.clock.startMs + Math.floor(random.next() * options.behaviour.heartbeatMs);
    viewers.push(
      new Viewer(
        accountId,
        `p${(i % 2) + 1}`,
        devices,
        catalog,
        new Random(options.seed * 7919 + i),
        options.behaviour,
        startAt,
      ),
    );
  }
  return viewers;
}

/**
 * A share of the viewers, served one upload at a time in simulated-time order. A lane
 * sends its next upload only once the previous one is answered, as a player does, so no
 * viewer ever has two requests in flight and the server sees each viewer's checkpoints
 * in order.
 */
export class Lane {
  private readonly heap: Viewer[] = [];

  constructor(
    viewers: Viewer[],
    private readonly clock: SimClock,
  ) {
    for (const v of viewers) this.push(v);
  }

  /** Simulated time of the next action, or null once every viewer passed the end. */
  peekTime(): number | null {
    const top = this.heap[0];
    return top && top.nextAt <= this.clock.endMs ? top.nextAt : null;
  }

  /** The next upload in simulated order, or null once every viewer passed the end. */
  next(): Upload | null {
    while (this.peekTime() !== null) {
      const upload = this.step();
      if (upload) return upload;
    }
    return null;
  }

  /**
   * Lets the viewer due first act, at `peekTime()`: its upload, or null when it uploads
   * nothing then (it went idle, or queued a checkpoint offline).
   */
  step(): Upload | null {
    const viewer = this.pop();
    if (!viewer) return null;
    const upload = viewer.step();
    if (viewer.nextAt <= this.clock.endMs) this.push(viewer);
    return upload;
  }

  private push(viewer: Viewer): void {
    const heap = this.heap;
    heap.push(viewer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.nextAt <= heap[i]!.nextAt) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): Viewer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]!.nextAt < heap[m]!.nextAt) m = l;
        if (r < heap.length && heap[r]!.nextAt < heap[m]!.nextAt) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** Deals viewers round-robin into `count` lanes. */
export function splitLanes(viewers: Viewer[], count: number, clock: SimClock): Lane[] {
  const groups: Viewer[][] = Array.from({ length: count }, () => []);
  viewers.forEach((v, i) => groups[i % count]!.push(v));
  return groups.map((g) => new Lane(g, clock));
}

/**
 * The JSON body of one checkpoint. `withSentAt` false leaves `sent_at` to the batch, as an
 * offline upload from one device does.
 */
export function toWire(cp: PlannedCheckpoint, clock: SimClock, withSentAt = true) {
  const times = clock.deviceTimes(cp.simMs, cp.clockOffsetMs);
  return {
    account_id: cp.key.accountId,
    profile_id: cp.key.profileId,
    video_id: cp.key.videoId,
    device_id: cp.deviceId,
    session_id: cp.sessionId,
    event: cp.event,
    position_seconds: cp.positionSeconds,
    duration_seconds: cp.durationSeconds,
    client_ts: times.clientTs,
    ...(withSentAt ? { sent_at: times.sentAt } : {}),
  };
}

/** The body of an upload sent to /playback/batch. */
export function batchBody(checkpoints: PlannedCheckpoint[], clock: SimClock, offline: boolean) {
  if (offline) {
    // One device's queue: the batch's own sent_at stands for every item.
    const first = checkpoints[0]!;
    return {
      sent_at: clock.deviceTimes(first.simMs, first.clockOffsetMs).sentAt,
      checkpoints: checkpoints.map((cp) => toWire(cp, clock, false)),
    };
  }
  return { checkpoints: checkpoints.map((cp) => toWire(cp, clock)) };
}
