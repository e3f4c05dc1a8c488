import type { ResumeKey } from '@playhead/domain';
import type { Pool } from 'undici';
import { getJson, resumePath } from '../lib/http.js';
import { LatencyRecorder, round, type LatencySummary } from '../lib/stats.js';
import { sleep } from '../lib/time.js';
import type { Random } from '../simulator/random.js';

export interface PacedReads extends LatencySummary {
  readonly targetPerSecond: number;
  readonly achievedPerSecond: number;
  readonly errors: number;
}

export interface MaxReads extends LatencySummary {
  readonly concurrency: number;
  readonly perSecond: number;
  readonly errors: number;
}

/**
 * Open loop: request i is due at start + i / rate whatever the answers do, and its latency
 * counts from when it was due, so a stall delays the requests behind it and shows in the
 * percentiles (no coordinated omission).
 */
export async function pacedReads(
  pool: Pool,
  keys: readonly ResumeKey[],
  random: Random,
  ratePerSecond: number,
  durationMs: number,
): Promise<PacedReads> {
  const latency = new LatencyRecorder();
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const running: Promise<void>[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now() + 20;
  while (sent < total) {
    const due = Math.min(
      total,
      Math.floor(((performance.now() - start) * ratePerSecond) / 1000) + 1,
    );
    for (; sent < due; sent += 1) {
      const intended = start + (sent * 1000) / ratePerSecond;
      running.push(
        getJson(pool, resumePath(random.pick(keys))).then(
          (res) => {
            if (res.status !== 200) errors += 1;
            latency.record(performance.now() - intended);
          },
          () => {
            errors += 1;
          },
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(running);
  const elapsed = (performance.now() - start) / 1000;
  return {
    ...latency.summary(),
    targetPerSecond: ratePerSecond,
    achievedPerSecond: round(total / elapsed, 0),
    errors,
  };
}

/** Closed loop: `concurrency` readers, each sending its next read when the last answers. */
export async function maxReads(
  pool: Pool,
  keys: readonly ResumeKey[],
  random: Random,
  concurrency: number,
  durationMs: number,
): Promise<MaxReads> {
  const latency = new LatencyRecorder();
  let errors = 0;
  let done = 0;
  const start = performance.now();
  const end = start + durationMs;
  const reader = async () => {
    while (performance.now() < end) {
      const sentAt = performance.now();
      try {
        const res = await getJson(pool, resumePath(random.pick(keys)));
        if (res.status !== 200) errors += 1;
      } catch {
        errors += 1;
      }
      latency.record(performance.now() - sentAt);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, reader));
  return {
    ...latency.summary(),
    concurrency,
    perSecond: round(done / ((performance.now() - start) / 1000), 0),
    errors,
  };
}
