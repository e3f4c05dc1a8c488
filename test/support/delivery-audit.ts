import { Kafka, logLevel } from 'kafkajs';
import { keyString, type ResumeKey } from '@playhead/domain';
import { createPool, createRedis, readEntry, selectResumeStates } from '@playhead/store';
import type { CheckpointLoad } from './checkpoint-load.js';

/** What one store holds of the accepted checkpoints. */
export interface StoreAudit {
  /** Accepted checkpoints whose key's stored state is as new as they are, or newer. */
  found: number;
  lost: number;
  /** Keys whose newest accepted checkpoint is stored with another position. */
  wrongPosition: number;
}

/** The updated_at and position of every key in PostgreSQL. */
async function fromPostgres(url: string, keys: ResumeKey[]) {
  const db = createPool(url, { max: 1, connectionTimeoutMillis: 2000 });
  try {
    const rows = await selectResumeStates(db, keys);
    return new Map(rows.map((r) => [keyString(r.key), r.state]));
  } finally {
    await db.end();
  }
}

async function fromRedis(url: string, prefix: string, keys: ResumeKey[]) {
  const redis = createRedis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const found = new Map<string, { positionSeconds: number; updatedAt: number }>();
    for (const key of keys) {
      const entry = await readEntry(redis, prefix, key);
      if (entry) found.set(keyString(key), entry.state);
    }
    return found;
  } finally {
    redis.disconnect();
  }
}

function audit(
  load: CheckpointLoad,
  stored: Map<string, { positionSeconds: number; updatedAt: number }>,
): StoreAudit {
  let found = 0;
  for (const a of load.accepted) {
    const state = stored.get(keyString(a.key));
    if (state && state.updatedAt >= a.eventTime) found += 1;
  }
  let wrongPosition = 0;
  for (const last of load.lastAccepted().values()) {
    const state = stored.get(keyString(last.key));
    // A newer state comes from a checkpoint answered 503 that reached Kafka after all.
    if (state?.updatedAt === last.eventTime && state.positionSeconds !== last.positionSeconds) {
      wrongPosition += 1;
    }
  }
  return { found, lost: load.accepted.length - found, wrongPosition };
}

export interface DeliveryReport {
  fault: string;
  sent: number;
  accepted: number;
  refused503: number;
  unanswered: number;
  postgres: StoreAudit | null;
  redis: StoreAudit | null;
  /** From the end of the fault (or the load) until both stores held everything. */
  caughtUpMs: number;
  /** How long the stores were given after the fault: what is missing then is lost. */
  boundMs: number;
  /** Messages the dead-letter topic holds: a transient fault must add none. */
  deadLetters: number | null;
}

/**
 * Polls the stores until every accepted checkpoint is in them or `timeoutMs` passes, and
 * returns what was found. Nothing is flushed by hand: the checkpointer's own timer must
 * write what waits, within its bound.
 */
export async function awaitDelivery(options: {
  fault: string;
  load: CheckpointLoad;
  postgresUrl?: string;
  redis?: { url: string; prefix: string };
  timeoutMs: number;
  since?: number;
  deadLetters?: { brokers: string; topic: string };
}): Promise<DeliveryReport> {
  const { load } = options;
  const since = options.since ?? Date.now();
  const deadline = Date.now() + options.timeoutMs;
  let postgres: StoreAudit | null = null;
  let redis: StoreAudit | null = null;
  for (;;) {
    try {
      if (options.postgresUrl) {
        postgres = audit(load, await fromPostgres(options.postgresUrl, load.keys));
      }
      if (options.redis) {
        redis = audit(load, await fromRedis(options.redis.url, options.redis.prefix, load.keys));
      }
    } catch {
      // A store still down counts as nothing found yet.
    }
    const done = (postgres?.lost ?? 0) === 0 && (redis?.lost ?? 0) === 0;
    const checked = (!options.postgresUrl || postgres) && (!options.redis || redis);
    if ((done && checked) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    fault: options.fault,
    sent: load.sent,
    accepted: load.accepted.length,
    refused503: load.count(503),
    unanswered: load.count(0),
    postgres,
    redis,
    caughtUpMs: Date.now() - since,
    boundMs: options.timeoutMs,
    deadLetters: options.deadLetters
      ? await topicEnd(options.deadLetters.brokers, options.deadLetters.topic)
      : null,
  };
}

/** Prints the numbers of a fault test in one block, for docs/reliability.md. */
export function printReport(report: DeliveryReport, extra: Record<string, unknown> = {}): void {
  const bound = `${(report.boundMs / 1000).toFixed(0)} s`;
  const line = (store: string, a: StoreAudit | null) =>
    a
      ? `${store}: found ${a.found}, lost (missing after the ${bound} bound) ${a.lost}, wrong last position ${a.wrongPosition}`
      : '';
  const lines = [
    `[fault] ${report.fault}`,
    `  sent ${report.sent}, answered 202 ${report.accepted}, 503 ${report.refused503}, unanswered ${report.unanswered}`,
    `  ${line('postgres', report.postgres)}`,
    `  ${line('redis', report.redis)}`,
    `  caught up ${(report.caughtUpMs / 1000).toFixed(1)} s after the fault ended`,
    report.deadLetters === null ? '' : `  dead letters: ${report.deadLetters}`,
    ...Object.entries(extra).map(
      ([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`,
    ),
  ].filter((l) => l.trim() !== '');
  console.log(lines.join('\n'));
}

/** End offsets of a topic, summed: how many messages it ever took. */
export async function topicEnd(brokers: string, topic: string): Promise<number> {
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of a group on a topic, by partition (-1 when none). */
export async function committedOffsets(
  brokers: string,
  groupId: string,
  topic: string,
): Promise<Map<number, number>> {
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((result?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** The sum of a metric's series on a service's `/metrics`, 0 when absent. */
export async function metric(url: string, name: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}
