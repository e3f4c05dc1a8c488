import { monitorEventLoopDelay } from 'node:perf_hooks';
import { keyString, type ResumeKey } from '@playhead/domain';
import { selectResumeState } from '@playhead/store';
import { selectWriteTimes } from '../store/select-write-times.js';
import { getJson, resumePath } from '../lib/http.js';
import type { BenchPipeline } from '../lib/pipeline.js';
import { metric, scrape } from '../lib/prometheus.js';
import { sendUpload, type Accepted } from '../lib/send-upload.js';
import {
  distribution,
  LatencyRecorder,
  round,
  type Distribution,
  type LatencySummary,
} from '../lib/stats.js';
import { eachLimited, sleep } from '../lib/time.js';
import { SimClock } from '../simulator/clock.js';
import { Random } from '../simulator/random.js';
import { createViewers, splitLanes, type Lane } from '../simulator/simulator.js';
import { matches, positionError, timeLag, Truth, type Answer } from '../simulator/truth.js';
import { PLAYER_BEHAVIOUR } from '../simulator/viewer.js';

export interface PlayerTrafficOptions {
  readonly viewers: number;
  /** Simulated ms per wall ms: 10 plays 10 s of a player's time in 1 s. */
  readonly compression: number;
  readonly durationMs: number;
  readonly lanes: number;
  readonly seed: number;
  /** Checkpoints whose way to the resume API is timed. */
  readonly freshnessSamples: number;
  /** Keys compared with the truth, live, every `accuracyEveryMs`. */
  readonly accuracyKeys: number;
  readonly accuracyEveryMs: number;
  /** Longest wait, after the traffic, for PostgreSQL to hold every key's truth. */
  readonly catchUpTimeoutMs: number;
}

export interface StoreAccuracy {
  /** |truth − answer| in seconds of position, keys the store already holds. */
  readonly positionErrorSeconds: Distribution;
  /** truth − answer in seconds of event (player) time. */
  readonly timeLagSeconds: Distribution;
  /** Samples where the store did not hold the key yet (its first checkpoint in flight). */
  readonly absent: number;
}

export interface PlayerTrafficResult {
  readonly viewers: number;
  readonly compression: number;
  readonly wallSeconds: number;
  readonly simulatedSeconds: number;
  readonly keys: number;
  readonly uploads: number;
  readonly checkpointsAccepted: number;
  readonly checkpointsPerSecond: number;
  readonly refused: number;
  readonly failedRequests: number;
  readonly events: Record<string, number>;
  /** How late the lanes sent against the plan: above a few ms the generator lagged. */
  readonly scheduleLagMs: LatencySummary;
  /** Where time went: server-side means from the ingest API's metrics, and this process. */
  readonly diagnosis: {
    readonly ingestRequestMeanMs: number;
    readonly kafkaProduceMeanMs: number;
    readonly benchEventLoopDelayP99Ms: number;
  };
  /** From a 202 to the resume API showing that checkpoint. */
  readonly freshnessMs: LatencySummary & { readonly timeouts: number };
  readonly live: {
    readonly samples: number;
    readonly resume: StoreAccuracy;
    readonly postgres: StoreAccuracy;
  };
  /** Once the consumers read everything: the resume API against the truth, every key. */
  readonly settled: {
    readonly drainSeconds: number;
    readonly keys: number;
    readonly resumeMismatches: number;
  };
  /** After the traffic: how long after its last 202 each key's truth reached PostgreSQL. */
  readonly postgresCatchUp: {
    readonly keys: number;
    readonly heldAtDrain: number;
    readonly neverCaughtUp: number;
    readonly lagSeconds: Distribution;
  };
  readonly rowsWritten: number;
  /** Not in the JSON: what the DB-writes comparison replays. */
  readonly accepted: Accepted[];
  readonly truth: Truth;
}

/**
 * Plays viewers in compressed real time against the running pipeline and checks every
 * answer it can against the truth: freshness of the resume API, how far Redis and
 * PostgreSQL trail during the traffic, exactness once it settles, and how long PostgreSQL
 * takes to catch up through the debounce timer.
 */
export async function runPlayerTraffic(
  pipeline: BenchPipeline,
  options: PlayerTrafficOptions,
): Promise<PlayerTrafficResult> {
  const simStart = Date.UTC(2026, 0, 1);
  const clock = new SimClock(
    simStart,
    options.durationMs * options.compression,
    options.compression,
  );
  const viewers = createViewers({
    count: options.viewers,
    accountPrefix: `b${pipeline.runId}-play`,
    seed: options.seed,
    behaviour: PLAYER_BEHAVIOUR,
    clock,
  });
  const lanes = splitLanes(viewers, options.lanes, clock);
  const truth = new Truth();
  const keyList: ResumeKey[] = [];
  const accepted: Accepted[] = [];
  const events: Record<string, number> = {};
  const scheduleLag = new LatencyRecorder();
  const freshness = new LatencyRecorder();
  const random = new Random(options.seed + 1);
  let uploads = 0;
  let refused = 0;
  let failedRequests = 0;
  let freshnessTimeouts = 0;
  let freshnessInFlight = 0;
  let freshnessStarted = 0;
  const freshnessPolls: Promise<void>[] = [];

  // Roughly one checkpoint per viewer per heartbeat interval of wall time.
  const expected = (options.viewers * options.durationMs * options.compression) / 10_000;
  const sampleChance = Math.min(1, (options.freshnessSamples * 1.5) / Math.max(1, expected));

  const rowsBefore = await metric(pipeline.checkpointer.url, 'checkpointer_db_rows_written_total');
  const ingestBefore = await scrape(pipeline.ingest.url);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const inBefore = await metric(pipeline.checkpointer.url, 'checkpointer_checkpoints_in_total');

  const pollFreshness = async (a: Accepted) => {
    const path = resumePath(a.cp.key);
    for (;;) {
      const res = await getJson(pipeline.resumePool, path);
      if (res.status === 200 && Date.parse(res.body.updated_at) >= a.eventTime) {
        freshness.record(performance.now() - a.acceptedPerf);
        return;
      }
      if (performance.now() - a.acceptedPerf > 10_000) {
        freshnessTimeouts += 1;
        return;
      }
      await sleep(5);
    }
  };

  const runLane = async (lane: Lane, wallStart: number) => {
    // A lane that falls behind its plan stops at the planned end all the same: the
    // traffic then was lighter than planned, which checkpointsPerSecond shows.
    const wallEnd = wallStart + options.durationMs;
    for (let at = lane.peekTime(); at !== null; at = lane.peekTime()) {
      if (Date.now() >= wallEnd) return;
      const due = clock.wallTimeOf(at, wallStart);
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const upload = lane.step();
      if (!upload) continue;
      scheduleLag.record(Math.max(0, Date.now() - due));
      uploads += 1;
      let result;
      try {
        result = await sendUpload(pipeline.ingestPool, upload, clock);
      } catch {
        failedRequests += 1;
        continue;
      }
      refused += result.rejected;
      for (const a of result.accepted) {
        if (!truth.get(a.cp.keyId)) keyList.push(a.cp.key);
        truth.accept(a.cp, a.eventTime, a.acceptedAt);
        accepted.push(a);
        events[a.cp.event] = (events[a.cp.event] ?? 0) + 1;
      }
      const single = result.accepted.length === 1 ? result.accepted[0] : undefined;
      if (
        single &&
        freshnessStarted < options.freshnessSamples &&
        freshnessInFlight < 4 &&
        random.chance(sampleChance)
      ) {
        freshnessStarted += 1;
        freshnessInFlight += 1;
        freshnessPolls.push(pollFreshness(single).finally(() => (freshnessInFlight -= 1)));
      }
    }
  };

  const live = new LiveAccuracy(pipeline, truth);
  const wallStart = Date.now() + 200;
  const sampler = setInterval(() => {
    const keys = Array.from({ length: Math.min(options.accuracyKeys, keyList.length) }, () =>
      random.pick(keyList),
    );
    live.sample(keys);
  }, options.accuracyEveryMs);
  await Promise.all(lanes.map((lane) => runLane(lane, wallStart)));
  const wallEnd = Date.now();
  loopDelay.disable();
  const ingestAfter = await scrape(pipeline.ingest.url);
  clearInterval(sampler);
  await Promise.all(freshnessPolls);
  await live.done();

  // Settled: once the consumers read everything, Redis must show every key's truth.
  const drainStarted = Date.now();
  const drained = await pipeline.waitForConsumers(inBefore + accepted.length, 120_000);
  if (!drained) throw new Error('the consumers did not catch up within 120 s of the traffic');
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  let resumeMismatches = 0;
  await eachLimited(keyList, 16, async (key) => {
    const res = await getJson(pipeline.resumePool, resumePath(key));
    const t = truth.get(keyString(key))!;
    if (res.status !== 200 || !matches(t, fromApi(res.body))) resumeMismatches += 1;
  });

  const catchUp = await waitForPostgres(pipeline, truth, keyList, options.catchUpTimeoutMs);
  const rowsAfter = await metric(pipeline.checkpointer.url, 'checkpointer_db_rows_written_total');

  return {
    viewers: options.viewers,
    compression: options.compression,
    wallSeconds: round((wallEnd - wallStart) / 1000, 1),
    simulatedSeconds: round(((wallEnd - wallStart) * options.compression) / 1000, 0),
    keys: truth.size,
    uploads,
    checkpointsAccepted: accepted.length,
    checkpointsPerSecond: round(accepted.length / ((wallEnd - wallStart) / 1000), 0),
    refused,
    failedRequests,
    events,
    scheduleLagMs: scheduleLag.summary(),
    diagnosis: {
      ingestRequestMeanMs: meanDelta(ingestBefore, ingestAfter, 'http_request_duration_seconds'),
      kafkaProduceMeanMs: meanDelta(ingestBefore, ingestAfter, 'kafka_produce_duration_seconds'),
      benchEventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6, 1),
    },
    freshnessMs: { ...freshness.summary(), timeouts: freshnessTimeouts },
    live: live.result(),
    settled: { drainSeconds: round(drainSeconds, 1), keys: keyList.length, resumeMismatches },
    postgresCatchUp: catchUp,
    rowsWritten: rowsAfter - rowsBefore,
    accepted,
    truth,
  };
}

/** Mean of a Prometheus histogram between two scrapes, in ms. */
function meanDelta(before: Map<string, number>, after: Map<string, number>, name: string): number {
  const sum = (after.get(`${name}_sum`) ?? 0) - (before.get(`${name}_sum`) ?? 0);
  const count = (after.get(`${name}_count`) ?? 0) - (before.get(`${name}_count`) ?? 0);
  return count > 0 ? round((sum / count) * 1000, 2) : NaN;
}

function fromApi(body: any): Answer {
  return {
    positionSeconds: body.position_seconds,
    completed: body.completed,
    updatedAt: Date.parse(body.updated_at),
  };
}

/** Compares sampled keys, while the traffic runs, in Redis (resume API) and PostgreSQL. */
class LiveAccuracy {
  private readonly resume = { position: [] as number[], lag: [] as number[], absent: 0 };
  private readonly postgres = { position: [] as number[], lag: [] as number[], absent: 0 };
  private readonly running = new Set<Promise<void>>();
  private samples = 0;

  constructor(
    private readonly pipeline: BenchPipeline,
    private readonly truth: Truth,
  ) {}

  sample(keys: ResumeKey[]): void {
    const work = eachLimited(keys, 8, (key) => this.compare(key));
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  async done(): Promise<void> {
    await Promise.all([...this.running]);
  }

  result() {
    const summary = (s: { position: number[]; lag: number[]; absent: number }): StoreAccuracy => ({
      positionErrorSeconds: distribution(s.position, 1),
      timeLagSeconds: distribution(s.lag, 1),
      absent: s.absent,
    });
    return {
      samples: this.samples,
      resume: summary(this.resume),
      postgres: summary(this.postgres),
    };
  }

  private async compare(key: ResumeKey): Promise<void> {
    const id = keyString(key);
    const before = this.truth.get(id)!;
    const [api, row] = await Promise.all([
      getJson(this.pipeline.resumePool, resumePath(key)),
      selectResumeState(this.pipeline.db, key),
    ]);
    this.samples += 1;
    this.record(this.resume, id, before, api.status === 200 ? fromApi(api.body) : null);
    this.record(
      this.postgres,
      id,
      before,
      row ? { ...row.state, completed: row.state.completed } : null,
    );
  }

  private record(
    into: { position: number[]; lag: number[]; absent: number },
    id: string,
    before: NonNullable<ReturnType<Truth['get']>>,
    answer: Answer | null,
  ): void {
    if (!answer) {
      into.absent += 1;
      return;
    }
    // A checkpoint accepted while the read was on its way may already show: compare it
    // with the truth it shows, not the older one.
    const truth = answer.updatedAt > before.eventTime ? this.truth.get(id)! : before;
    into.position.push(positionError(truth, answer));
    into.lag.push(timeLag(truth, answer) / 1000);
  }
}

/**
 * Polls PostgreSQL every second until it holds every key's truth: waiting checkpoints
 * arrive through the checkpointer's 60-second timer. A key's lag is from the 202 of its
 * last checkpoint to the upsert that stored it (the row's written_at).
 */
async function waitForPostgres(
  pipeline: BenchPipeline,
  truth: Truth,
  keys: ResumeKey[],
  timeoutMs: number,
) {
  const lags: number[] = [];
  let pending = keys;
  let heldAtDrain = 0;
  const deadline = Date.now() + timeoutMs;
  for (let first = true; pending.length > 0 && Date.now() < deadline; first = false) {
    const started = Date.now();
    const still: ResumeKey[] = [];
    for (let i = 0; i < pending.length; i += 2000) {
      const chunk = pending.slice(i, i + 2000);
      const rows = new Map((await selectWriteTimes(pipeline.db, chunk)).map((r) => [r.id, r]));
      for (const key of chunk) {
        const t = truth.get(keyString(key))!;
        const row = rows.get(keyString(key));
        if (row && matches(t, row)) {
          lags.push(Math.max(0, row.writtenAt - t.acceptedAt) / 1000);
          if (first) heldAtDrain += 1;
        } else still.push(key);
      }
    }
    pending = still;
    if (pending.length > 0) await sleep(1000 - (Date.now() - started));
  }
  return {
    keys: keys.length,
    heldAtDrain,
    neverCaughtUp: pending.length,
    lagSeconds: distribution(lags, 1),
  };
}
