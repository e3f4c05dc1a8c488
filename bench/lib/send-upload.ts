import type { Pool } from 'undici';
import type { SimClock } from '../simulator/clock.js';
import { batchBody, toWire } from '../simulator/simulator.js';
import type { PlannedCheckpoint, Upload } from '../simulator/viewer.js';
import { postJson } from './http.js';

/** A checkpoint the ingest API answered 202 for, with the event time it computed. */
export interface Accepted {
  readonly cp: PlannedCheckpoint;
  readonly eventTime: number;
  /** Date.now() when the 202 arrived. */
  readonly acceptedAt: number;
  /** performance.now() when the 202 arrived, for sub-millisecond intervals. */
  readonly acceptedPerf: number;
}

export interface SendResult {
  readonly status: number;
  readonly accepted: Accepted[];
  readonly rejected: number;
}

/**
 * Sends one player upload: a lone checkpoint to /playback/update, several (an offline
 * queue, or a packed batch) to /playback/batch.
 */
export async function sendUpload(
  pool: Pool,
  upload: Pick<Upload, 'checkpoints' | 'offline'>,
  clock: SimClock,
): Promise<SendResult> {
  const { checkpoints } = upload;
  if (checkpoints.length === 1 && !upload.offline) {
    const cp = checkpoints[0]!;
    const res = await postJson(pool, '/playback/update', toWire(cp, clock));
    if (res.status !== 202) return { status: res.status, accepted: [], rejected: 1 };
    return {
      status: res.status,
      accepted: [stamp(cp, res.body.event_time)],
      rejected: 0,
    };
  }
  const res = await postJson(
    pool,
    '/playback/batch',
    batchBody(checkpoints, clock, upload.offline),
  );
  if (res.status !== 202) return { status: res.status, accepted: [], rejected: checkpoints.length };
  const items = res.body.accepted as Array<{ index: number; event_time: string }>;
  return {
    status: res.status,
    accepted: items.map((a) => stamp(checkpoints[a.index]!, a.event_time)),
    rejected: (res.body.rejected as unknown[]).length,
  };
}

function stamp(cp: PlannedCheckpoint, eventTime: string): Accepted {
  return {
    cp,
    eventTime: Date.parse(eventTime),
    acceptedAt: Date.now(),
    acceptedPerf: performance.now(),
  };
}
