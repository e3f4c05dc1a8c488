import Table from 'cli-table3';
import type { Calibration } from './phases/calibration.js';
import type { DbWrites } from './phases/db-writes.js';
import type { IngestResult } from './phases/ingest.js';
import type { MemoryResult } from './phases/memory.js';
import type { PlayerTrafficResult } from './phases/player-traffic.js';
import type { MaxReads, PacedReads } from './phases/resume-reads.js';

export interface Results {
  calibration?: Calibration;
  memory?: MemoryResult[];
  traffic?: Omit<PlayerTrafficResult, 'accepted' | 'truth'>;
  dbWrites?: DbWrites;
  reads?: {
    redis: { paced: PacedReads; max: MaxReads };
    postgres: { paced: PacedReads; max: MaxReads };
  };
  ingest?: { single: IngestResult; batch: IngestResult };
}

export interface Row {
  readonly measure: string;
  readonly result: string;
  readonly target: string;
  /** true met, false missed, null no target. */
  readonly met: boolean | null;
}

const n = (v: number, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const ms = (v: number) => `${n(v, 2)} ms`;

/** The table rows, each target judged on the figure shown. */
export function rows(r: Results): Row[] {
  const out: Row[] = [];
  const add = (measure: string, result: string, target = '', met: boolean | null = null) =>
    out.push({ measure, result, target, met });

  if (r.calibration) {
    const c = r.calibration;
    add(
      `ceiling: plain node:http server, same client (${c.concurrency} connections)`,
      `${n(c.perSecond)}/s, p50 ${ms(c.p50)}, p99 ${ms(c.p99)}`,
    );
  }
  if (r.ingest) {
    const { single, batch } = r.ingest;
    add(
      `ingest, one per request (${single.concurrency} connections)`,
      `${n(single.checkpointsPerSecond)}/s, p50 ${ms(single.latencyMs.p50)}, p99 ${ms(single.latencyMs.p99)}`,
      '≥ 5,000/s',
      single.checkpointsPerSecond >= 5000,
    );
    add(
      `ingest, batches of ${batch.batchSize} (${batch.concurrency} connections)`,
      `${n(batch.checkpointsPerSecond)}/s, p50 ${ms(batch.latencyMs.p50)}, p99 ${ms(batch.latencyMs.p99)} per batch`,
      '≥ 30,000/s',
      batch.checkpointsPerSecond >= 30_000,
    );
  }
  if (r.dbWrites) {
    const d = r.dbWrites;
    add(
      'DB writes per 1,000 checkpoints',
      `pipeline ${n(d.pipelinePer1000)}, baseline ${n(d.baselinePer1000)} (ratio ${n(d.ratio, 3)}; rules alone ${n(d.rulesModelPer1000)})`,
      '≤ 1/10 of baseline',
      d.ratio <= 0.1,
    );
  }
  if (r.traffic) {
    const t = r.traffic;
    const pg = t.live.postgres;
    add(
      'PostgreSQL behind the truth, position (live)',
      `p99 ${n(pg.positionErrorSeconds.p99, 1)} s, max ${n(pg.positionErrorSeconds.max, 1)} s`,
      'p99 ≤ 15 s',
      pg.positionErrorSeconds.p99 <= 15,
    );
    add(
      'PostgreSQL behind the truth, time (wall, last 202 → upsert)',
      `p99 ${n(t.postgresCatchUp.lagSeconds.p99, 1)} s, max ${n(t.postgresCatchUp.lagSeconds.max, 1)} s`,
      'p99 ≤ 60 s',
      t.postgresCatchUp.lagSeconds.p99 <= 60 && t.postgresCatchUp.neverCaughtUp === 0,
    );
    add(
      'PostgreSQL behind the truth, player time (live)',
      `p99 ${n(pg.timeLagSeconds.p99, 1)} s, max ${n(pg.timeLagSeconds.max, 1)} s`,
    );
    const rs = t.live.resume;
    add(
      'resume answer behind the truth (live)',
      `position p99 ${n(rs.positionErrorSeconds.p99, 1)} s, max ${n(rs.positionErrorSeconds.max, 1)} s; player time p99 ${n(rs.timeLagSeconds.p99, 1)} s`,
    );
    add(
      'resume answer once settled (every key)',
      `${n(t.settled.keys - t.settled.resumeMismatches)} of ${n(t.settled.keys)} exact`,
      'all exact',
      t.settled.resumeMismatches === 0,
    );
    add(
      `player traffic: ${n(t.viewers)} viewers at ${t.compression}x for ${n(t.wallSeconds, 0)} s`,
      `${n(t.checkpointsAccepted)} checkpoints (${n(t.checkpointsPerSecond)}/s), ${n(t.keys)} keys; sent late p50 ${ms(t.scheduleLagMs.p50)}; ingest server mean ${ms(t.diagnosis.ingestRequestMeanMs)} of which Kafka ${ms(t.diagnosis.kafkaProduceMeanMs)}`,
    );
    add(
      'freshness, 202 → resume API shows it',
      `p50 ${ms(t.freshnessMs.p50)}, p99 ${ms(t.freshnessMs.p99)} (${t.freshnessMs.count} samples)`,
      'p99 < 500 ms',
      t.freshnessMs.p99 < 500 && t.freshnessMs.timeouts === 0,
    );
  }
  if (r.reads) {
    const { redis, postgres } = r.reads;
    add(
      `resume reads, Redis, ${n(redis.paced.targetPerSecond)}/s paced`,
      `p50 ${ms(redis.paced.p50)}, p99 ${ms(redis.paced.p99)}`,
      'p99 < 5 ms',
      redis.paced.p99 < 5 && redis.paced.errors === 0,
    );
    add(
      `resume reads, Redis, max (${redis.max.concurrency} in flight)`,
      `${n(redis.max.perSecond)}/s, p50 ${ms(redis.max.p50)}, p99 ${ms(redis.max.p99)}`,
    );
    add(
      `resume reads, PostgreSQL alone, ${n(postgres.paced.targetPerSecond)}/s paced`,
      `p50 ${ms(postgres.paced.p50)}, p99 ${ms(postgres.paced.p99)}`,
    );
    add(
      `resume reads, PostgreSQL alone, max (${postgres.max.concurrency} in flight)`,
      `${n(postgres.max.perSecond)}/s, p50 ${ms(postgres.max.p50)}, p99 ${ms(postgres.max.p99)}`,
    );
  }
  for (const m of r.memory ?? []) {
    add(
      `checkpointer heap per key, ${n(m.keys)} keys`,
      `${n(m.bytesPerKeyWaiting)} B waiting, ${n(m.bytesPerKeyWritten)} B written`,
      '≤ 300 B',
      m.bytesPerKeyWaiting <= 300,
    );
  }
  return out;
}

const verdict = (met: boolean | null) => (met === null ? '' : met ? 'met' : 'MISSED');

export function terminalTable(all: Row[]): string {
  const table = new Table({
    head: ['measure', 'result', 'target', ''],
    colWidths: [44, 62, 20, 8],
    wordWrap: true,
  });
  for (const row of all) table.push([row.measure, row.result, row.target, verdict(row.met)]);
  return table.toString();
}

export function markdownTable(all: Row[]): string {
  const lines = ['| measure | result | target | |', '| --- | --- | --- | --- |'];
  for (const row of all) {
    lines.push(`| ${row.measure} | ${row.result} | ${row.target} | ${verdict(row.met)} |`);
  }
  return lines.join('\n');
}
