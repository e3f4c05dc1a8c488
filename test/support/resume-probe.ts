import type { CheckpointLoad } from './checkpoint-load.js';

/**
 * Reads resume positions of the load's keys in a loop while a fault happens, and records
 * every status, the slowest answer, and any answer that carried another key's state (told
 * apart by the duration each key's checkpoints carry).
 */
export class ResumeProbe {
  readonly statuses = new Map<number, number>();
  slowestMs = 0;
  foreign = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly resumeUrl: string,
    private readonly load: CheckpointLoad,
    private readonly intervalMs = 20,
  ) {}

  start(): this {
    this.running = true;
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  summary(): string {
    const parts = [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`);
    return `${parts.join(', ')}; slowest ${this.slowestMs} ms; another key's state ${this.foreign}`;
  }

  private async run(): Promise<void> {
    // Stops by itself after 90 s, so a failed test cannot leave it reading.
    const until = Date.now() + 90_000;
    for (let n = 0; this.running && Date.now() < until; n += 1) {
      const i = n % this.load.keys.length;
      const key = this.load.keys[i]!;
      const query = new URLSearchParams({
        account_id: key.accountId,
        profile_id: key.profileId,
        video_id: key.videoId,
      });
      const started = Date.now();
      let status = 0;
      try {
        const res = await fetch(`${this.resumeUrl}/playback/resume?${query}`, {
          signal: AbortSignal.timeout(10_000),
        });
        status = res.status;
        const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
        if (
          status === 200 &&
          (body?.video_id !== key.videoId || body?.duration_seconds !== this.load.durationOf(i))
        ) {
          this.foreign += 1;
        }
      } catch {
        status = 0;
      }
      this.slowestMs = Math.max(this.slowestMs, Date.now() - started);
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }
}
