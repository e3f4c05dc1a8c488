import type { BenchPipeline } from '../lib/pipeline.js';
import { metric } from '../lib/prometheus.js';
import { sendUpload } from '../lib/send-upload.js';
import { LatencyRecorder, round, type LatencySummary } from '../lib/stats.js';
import { SimClock } from '../simulator/clock.js';
import { createViewers, splitLanes, type Lane } from '../simulator/simulator.js';
import { PLAYER_BEHAVIOUR, type PlannedCheckpoint } from '../simulator/viewer.js';

export interface IngestOptions {
  /** One checkpoint per request to /playback/update, or packed batches to /playback/batch. */
  readonly mode: 'single' | 'batch';
  readonly viewers: number;
  /** Requests in flight at once, each on its own keep-alive connection. */
  readonly concurrency: number;
  readonly batchSize: number;
  readonly durationMs: number;
  /** Sent before the measured window, so JIT and connection set-up do not count. */
  readonly warmupMs: number;
  readonly seed: number;
}

export interface IngestResult {
  readonly mode: 'single' | 'batch';
  readonly concurrency: number;
  readonly batchSize: number;
  readonly checkpointsPerSecond: number;
  readonly requestsPerSecond: number;
  /** Per request: one checkpoint, or one batch. */
  readonly latencyMs: LatencySummary;
  readonly checkpointsAccepted: number;
  readonly refused: number;
  readonly failed: number;
  /** How long the checkpointer and projector took to read the burst once it stopped. */
  readonly consumersCaughtUpSeconds: number | null;
}

/**
 * Sends player traffic as fast as the ingest API takes it (closed loop): simulated viewers,
 * each lane with one request in flight, so every viewer's checkpoints stay in order.
 */
export async function measureIngest(
  pipeline: BenchPipeline,
  options: IngestOptions,
): Promise<IngestResult> {
  // No pacing: simulated time runs as fast as the answers come back. Viewers never go
  // offline here, so "single" is one checkpoint per request throughout.
  const clock = new SimClock(Date.UTC(2026, 0, 1), 2 * 86_400_000, 1);
  const behaviour =
    options.mode === 'single' ? { ...PLAYER_BEHAVIOUR, offline: 0 } : PLAYER_BEHAVIOUR;
  const viewers = createViewers({
    count: options.viewers,
    accountPrefix: `b${pipeline.runId}-${options.mode}`,
    seed: options.seed,
    behaviour,
    clock,
  });
  const lanes = splitLanes(viewers, options.concurrency, clock);
  const inBefore = await metric(pipeline.checkpointer.url, 'checkpointer_checkpoints_in_total');

  const latency = new LatencyRecorder();
  let accepted = 0;
  let acceptedTotal = 0;
  let requests = 0;
  let refused = 0;
  let failed = 0;
  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const end = windowStart + options.durationMs;

  const nextRequest = (lane: Lane) => {
    if (options.mode === 'single') return lane.next();
    const checkpoints: PlannedCheckpoint[] = [];
    while (checkpoints.length < options.batchSize) {
      const upload = lane.next();
      if (!upload) break;
      checkpoints.push(...upload.checkpoints);
    }
    return checkpoints.length > 0 ? { checkpoints, offline: false } : null;
  };

  const runLane = async (lane: Lane) => {
    while (performance.now() < end) {
      const upload = nextRequest(lane);
      if (!upload) return;
      const sentAt = performance.now();
      try {
        const result = await sendUpload(pipeline.ingestPool, upload, clock);
        const now = performance.now();
        acceptedTotal += result.accepted.length;
        if (sentAt >= windowStart && now <= end) {
          latency.record(now - sentAt);
          accepted += result.accepted.length;
          requests += 1;
          refused += result.rejected;
        }
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(lanes.map(runLane));

  const stopped = Date.now();
  const caughtUp = await pipeline.waitForConsumers(inBefore + acceptedTotal, 90_000);
  const seconds = options.durationMs / 1000;
  return {
    mode: options.mode,
    concurrency: options.concurrency,
    batchSize: options.mode === 'batch' ? options.batchSize : 1,
    checkpointsPerSecond: round(accepted / seconds, 0),
    requestsPerSecond: round(requests / seconds, 0),
    latencyMs: latency.summary(),
    checkpointsAccepted: acceptedTotal,
    refused,
    failed,
    consumersCaughtUpSeconds: caughtUp ? round((Date.now() - stopped) / 1000, 1) : null,
  };
}
