import { randomBytes } from 'node:crypto';
import type { ResumeKey } from '@playhead/domain';

/** One checkpoint the ingest API answered 202: it must reach every store. */
export interface AcceptedCheckpoint {
  readonly key: ResumeKey;
  readonly positionSeconds: number;
  /** The event time the API answered with, epoch ms. */
  readonly eventTime: number;
  readonly eventId: string;
}

export interface LoadOptions {
  ingestUrl: string | (() => string);
  /** Distinct keys; each gets its checkpoints one at a time, in order. */
  keys?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Target requests per second over all senders. */
  ratePerSecond?: number;
  /** Seconds the position moves per checkpoint: 10 makes every other one wait (debounce). */
  stepSeconds?: number;
  /** Stops by itself after this long, so a failed test cannot leave it sending. */
  maxMs?: number;
}

/**
 * A steady stream of heartbeats over a set of keys, as players would send them: each key's
 * position only moves forward, one request per key at a time. Every answer is counted;
 * the 202s are kept so the stores can be audited against them afterwards.
 */
export class CheckpointLoad {
  readonly account = `fault-${randomBytes(5).toString('hex')}`;
  readonly keys: ResumeKey[];
  readonly accepted: AcceptedCheckpoint[] = [];
  /** Answers by HTTP status; 0 counts requests that got no answer at all. */
  readonly statuses = new Map<number, number>();
  sent = 0;
  /** 503 answers that carried no Retry-After header (should stay 0). */
  missingRetryAfter = 0;
  /** Slowest answer in ms, for the bound on 503s. */
  slowestMs = 0;

  private readonly positions: number[];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(private readonly options: LoadOptions) {
    const count = options.keys ?? 40;
    this.keys = Array.from({ length: count }, (_, i) => ({
      accountId: this.account,
      profileId: `p${i % 4}`,
      videoId: `v${i}`,
    }));
    this.positions = this.keys.map(() => 60);
  }

  start(): this {
    this.running = true;
    const concurrency = Math.min(this.options.concurrency ?? 8, this.keys.length);
    const interval = (concurrency * 1000) / (this.options.ratePerSecond ?? 150);
    this.workers = Array.from({ length: concurrency }, (_, w) =>
      this.worker(w, concurrency, interval),
    );
    return this;
  }

  /** Stops sending and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Sends for `ms` more, then stops. */
  async runFor(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.stop();
  }

  /** The duration every checkpoint of key `i` carries. */
  durationOf(i: number): number {
    return 86_400 - i;
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  /** The newest accepted checkpoint of each key. */
  lastAccepted(): Map<number, AcceptedCheckpoint> {
    const last = new Map<number, AcceptedCheckpoint>();
    for (const a of this.accepted) {
      const i = Number(a.key.videoId.slice(1));
      const seen = last.get(i);
      if (!seen || a.eventTime >= seen.eventTime) last.set(i, a);
    }
    return last;
  }

  private async worker(w: number, stride: number, intervalMs: number): Promise<void> {
    let next = Date.now();
    const until = next + (this.options.maxMs ?? 90_000);
    for (let round = 0; this.running && Date.now() < until; round += 1) {
      for (let i = w; i < this.keys.length && this.running; i += stride) {
        await this.send(i);
        next += intervalMs;
        const wait = next - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        else next = Date.now();
      }
    }
  }

  private async send(i: number): Promise<void> {
    const key = this.keys[i]!;
    const position = this.positions[i]!;
    // The next checkpoint of the key moves on whatever the answer: a refused one is not
    // retried, as a player sends its next heartbeat instead.
    this.positions[i] = position + (this.options.stepSeconds ?? 10);
    const url =
      typeof this.options.ingestUrl === 'function'
        ? this.options.ingestUrl()
        : this.options.ingestUrl;
    this.sent += 1;
    const started = Date.now();
    let status = 0;
    try {
      const res = await fetch(`${url}/playback/update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          account_id: key.accountId,
          profile_id: key.profileId,
          video_id: key.videoId,
          device_id: 'tv-1',
          position_seconds: position,
          event: 'heartbeat',
          // Unique per key, so a reader can tell whose state it was served.
          duration_seconds: this.durationOf(i),
        }),
        signal: AbortSignal.timeout(15_000),
      });
      status = res.status;
      const body = (await res.json().catch(() => null)) as {
        event_id?: string;
        event_time?: string;
      } | null;
      if (status === 202 && body?.event_id && body.event_time) {
        this.accepted.push({
          key,
          positionSeconds: position,
          eventTime: Date.parse(body.event_time),
          eventId: body.event_id,
        });
      }
      if (status === 503 && !res.headers.get('retry-after')) this.missingRetryAfter += 1;
    } catch {
      status = 0;
    }
    this.slowestMs = Math.max(this.slowestMs, Date.now() - started);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }
}
