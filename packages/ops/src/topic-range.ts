import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { OpsError, UsageError } from './errors.js';

/** Where reading a partition starts. */
export type From =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'time'; ms: number };

/** Where it stops, exclusive: `latest` is the end as it was when the command started. */
export type To =
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'time'; ms: number }
  | { kind: 'follow' };

/** Offsets `start` (inclusive) to `end` (exclusive) of one partition; end null: no end. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint | null;
}

export interface PartitionBounds {
  readonly partition: number;
  /** First offset still held (older ones were removed by the topic's retention). */
  readonly low: bigint;
  /** Offset the next message will get. */
  readonly high: bigint;
}

export async function partitionBounds(admin: Admin, topic: string): Promise<PartitionBounds[]> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) {
    throw new UsageError(`topic ${topic} does not exist; check --topic or CHECKPOINT_TOPIC`);
  }
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
    .sort((a, b) => a.partition - b.partition);
}

/** The partitions asked for, or all; an unknown partition is a usage error naming the range. */
export function choosePartitions(
  bounds: PartitionBounds[],
  wanted: number[] | undefined,
  topic: string,
): PartitionBounds[] {
  if (!wanted || wanted.length === 0) return bounds;
  const byId = new Map(bounds.map((b) => [b.partition, b]));
  const unknown = wanted.filter((p) => !byId.has(p));
  if (unknown.length > 0) {
    throw new UsageError(
      `--partitions: topic ${topic} has partitions 0 to ${bounds.length - 1}; ` +
        `there is no ${unknown.join(', ')}`,
    );
  }
  return wanted.map((p) => byId.get(p)!);
}

async function offsetsAtTime(
  admin: Admin,
  topic: string,
  ms: number,
): Promise<Map<number, bigint>> {
  // The first offset whose timestamp is at or after `ms`; the end where there is none.
  const found = await admin.fetchTopicOffsetsByTimestamp(topic, ms);
  return new Map(found.map((f) => [f.partition, BigInt(f.offset)]));
}

/**
 * Turns from/to into exact offsets per partition, read once, so the range does not move
 * while it is being read. A start older than what the topic still holds begins at the
 * oldest message held; a start past the end is refused.
 */
export async function resolveRanges(
  admin: Admin,
  topic: string,
  options: { partitions?: number[]; from: From; to: To },
): Promise<PartitionRange[]> {
  const chosen = choosePartitions(await partitionBounds(admin, topic), options.partitions, topic);
  const fromTimes =
    options.from.kind === 'time' ? await offsetsAtTime(admin, topic, options.from.ms) : null;
  const toTimes =
    options.to.kind === 'time' ? await offsetsAtTime(admin, topic, options.to.ms) : null;

  return chosen.map((b) => {
    let start: bigint;
    switch (options.from.kind) {
      case 'earliest':
        start = b.low;
        break;
      case 'latest':
        start = b.high;
        break;
      case 'offset':
        if (options.from.offset > b.high) {
          throw new UsageError(
            `--from-offset ${options.from.offset} is past the end of partition ${b.partition} ` +
              `(offsets ${b.low} to ${b.high - 1n}); give a smaller offset or --partitions`,
          );
        }
        start = options.from.offset < b.low ? b.low : options.from.offset;
        break;
      case 'time':
        start = fromTimes!.get(b.partition) ?? b.high;
        break;
    }
    let end: bigint | null;
    switch (options.to.kind) {
      case 'latest':
        end = b.high;
        break;
      case 'follow':
        end = null;
        break;
      case 'offset':
        end = options.to.offset < b.high ? options.to.offset : b.high;
        break;
      case 'time':
        end = toTimes!.get(b.partition) ?? b.high;
        break;
    }
    if (end !== null && end < start) end = start;
    return { partition: b.partition, start, end };
  });
}

/** Messages of one partition, in offset order, within the range asked for. */
export type BatchHandler = (
  partition: number,
  messages: KafkaMessage[],
) => Promise<'stop' | void> | 'stop' | void;

export interface ReadOptions {
  /** Names the throwaway consumer group, for the broker's logs. */
  purpose: string;
  /** Fails when no message arrives for this long while a range is still open. */
  idleTimeoutMs?: number;
  /** Stops reading (as after the last range) when aborted, e.g. on Ctrl-C. */
  signal?: AbortSignal;
}

/**
 * Reads the given ranges of a topic with a consumer of a throwaway group that commits
 * nothing, and deletes the group afterwards. Each partition is read from its start by a
 * seek; a message delivered twice around the seek is dropped, so the handler sees every
 * offset of a range once, in order. Resolves once every range with an end is read, or
 * the handler returns 'stop'.
 */
export async function readRanges(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  ranges: PartitionRange[],
  handle: BatchHandler,
  options: ReadOptions,
): Promise<void> {
  const open = ranges.filter((r) => r.end === null || r.start < r.end);
  if (open.length === 0) return;

  const next = new Map(open.map((r) => [r.partition, r.start]));
  const ends = new Map(open.map((r) => [r.partition, r.end]));
  const pending = new Set(open.filter((r) => r.end !== null).map((r) => r.partition));
  const following = open.some((r) => r.end === null);
  const groupId = `playhead-ops-${options.purpose}-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
  });

  let closed = false;
  let finish!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error?: unknown) => {
      closed = true;
      if (error === undefined) resolve();
      else reject(error);
    };
  });
  let lastProgress = Date.now();
  const idleMs = options.idleTimeoutMs ?? 30_000;
  const watchdog = setInterval(() => {
    if (following || Date.now() - lastProgress < idleMs) return;
    const stuck = [...pending].map((p) => `${p} at ${next.get(p)} of ${ends.get(p)}`);
    finish(
      new OpsError(
        `no message arrived for ${idleMs / 1000} s while reading ${topic} (partition ${stuck.join(', ')}); ` +
          'is the broker reachable, or were these offsets deleted by retention?',
        true,
      ),
    );
  }, 1000);
  const onAbort = () => finish();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat, isRunning }) => {
        const from = next.get(batch.partition);
        // After the last range or a 'stop', batches still in flight are ignored.
        if (from === undefined || closed || !isRunning()) return;
        const end = ends.get(batch.partition) ?? null;
        const messages = batch.messages.filter((m) => {
          const offset = BigInt(m.offset);
          return offset >= from && (end === null || offset < end);
        });
        if (messages.length > 0) {
          lastProgress = Date.now();
          next.set(batch.partition, BigInt(messages[messages.length - 1]!.offset) + 1n);
          try {
            if ((await handle(batch.partition, messages)) === 'stop') {
              finish();
              return;
            }
          } catch (error) {
            finish(error);
            return;
          }
        }
        // Offsets can have gaps (compaction, transaction markers): the range is read once
        // the fetch has moved past its end, whether or not a message sat at end - 1.
        const reached = BigInt(batch.lastOffset()) + 1n;
        if (end !== null && (next.get(batch.partition)! >= end || reached >= end)) {
          pending.delete(batch.partition);
          if (pending.size === 0 && !following) finish();
        }
        await heartbeat();
      },
    });
    const chosen = new Set(open.map((r) => r.partition));
    const all = (await admin.fetchTopicOffsets(topic)).map((o) => o.partition);
    const others = all.filter((p) => !chosen.has(p));
    if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    for (const r of open)
      consumer.seek({ topic, partition: r.partition, offset: r.start.toString() });

    await finished;
  } finally {
    clearInterval(watchdog);
    options.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
    // The group committed nothing; deleting it keeps the broker's group list clean.
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}
