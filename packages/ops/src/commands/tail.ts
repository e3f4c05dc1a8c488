import { parseKeyString } from '@playhead/domain';
import { decodeMessage, type CheckpointCodec, type CheckpointEvent } from '@playhead/events';
import type { KafkaMessage } from 'kafkajs';
import type { OpsContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { StartPoint } from '../parse.js';
import { partitionOf } from '../partition-of.js';
import { partitionBounds, readRanges, resolveRanges, type From } from '../topic-range.js';

export interface TailOptions {
  topic: string;
  /** Only this key, `account#profile#video`; only its partition is read. */
  key?: string;
  partitions?: number[];
  from: StartPoint;
  /** Stop after this many lines. */
  limit?: number;
  /** Keep reading past the end until aborted. */
  follow?: boolean;
  signal?: AbortSignal;
}

/** One line of `tail`: where the message sits, and the event or why it is unreadable. */
export interface TailLine {
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp: when the ingest API received the event, epoch ms. */
  readonly timestamp: number;
  readonly key: string | null;
  readonly event?: CheckpointEvent;
  readonly error?: string;
}

/**
 * Decodes the checkpoint topic and hands each message to `emit`, oldest first within a
 * partition. Ends at the end of the topic as it was at the start, unless following.
 */
export async function tail(
  ctx: OpsContext,
  options: TailOptions,
  emit: (line: TailLine) => void,
): Promise<number> {
  const admin = await ctx.admin();
  let partitions = options.partitions;
  if (options.key !== undefined) {
    if (!parseKeyString(options.key)) {
      throw new UsageError('--key must be account_id#profile_id#video_id, e.g. acct-1#p1#v42');
    }
    const count = (await partitionBounds(admin, options.topic)).length;
    const home = partitionOf(options.key, count);
    if (partitions && !partitions.includes(home)) {
      throw new UsageError(`--key lives on partition ${home}, which --partitions leaves out`);
    }
    partitions = [home];
  }
  const from: From =
    options.from.kind === 'start'
      ? { kind: 'earliest' }
      : options.from.kind === 'end'
        ? { kind: 'latest' }
        : { kind: 'time', ms: options.from.ms };
  const ranges = await resolveRanges(admin, options.topic, {
    partitions,
    from,
    to: options.follow ? { kind: 'follow' } : { kind: 'latest' },
  });
  const codec = ctx.codec();
  let printed = 0;
  const limit = options.limit ?? Infinity;
  if (limit === 0) return 0;

  await readRanges(
    ctx.kafka(),
    admin,
    options.topic,
    ranges,
    async (partition, messages) => {
      for (const message of messages) {
        const key = message.key?.toString('utf8') ?? null;
        if (options.key !== undefined && key !== options.key) continue;
        emit(await toLine(codec, partition, message, key));
        printed += 1;
        if (printed >= limit) return 'stop';
      }
    },
    { purpose: 'tail', signal: options.signal },
  );
  return printed;
}

async function toLine(
  codec: CheckpointCodec,
  partition: number,
  message: KafkaMessage,
  key: string | null,
): Promise<TailLine> {
  const base = { partition, offset: message.offset, timestamp: Number(message.timestamp), key };
  // decodeMessage applies the consumers' checks (wire format, contract, key); the raw
  // event, decoded again from the cached schema, keeps every field of the schema.
  const decoded = await decodeMessage(codec, message);
  if (!decoded.ok) return { ...base, error: decoded.error };
  return { ...base, event: { ...(await codec.decode(message.value!)) } };
}
