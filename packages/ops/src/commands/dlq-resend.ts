import { DEAD_LETTER_HEADERS } from '@playhead/events';
import { Partitioners, type IHeaders, type KafkaMessage, type Message } from 'kafkajs';
import type { OpsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { partitionBounds, readRanges, type PartitionRange } from '../topic-range.js';
import { sourceId, toDeadLetter, type DeadLetter } from './dead-letters.js';

export interface DlqResendOptions {
  deadLetterTopic: string;
  /** Where a dead letter without a source header goes. */
  defaultTopic: string;
  /** Offsets in the dead-letter topic's partition `partition`; or `all`. */
  offsets?: bigint[];
  partition?: number;
  all?: boolean;
  dryRun?: boolean;
}

export interface Resent {
  readonly letter: DeadLetter;
  readonly topic: string;
}

export interface ResendReport {
  readonly sent: Resent[];
  /** Copies of a source message another consumer group dead-lettered too: sent once. */
  readonly duplicates: DeadLetter[];
  readonly dryRun: boolean;
}

const OURS: ReadonlySet<string> = new Set(Object.values(DEAD_LETTER_HEADERS));

/**
 * Sends chosen dead letters back to the topic they came from, key and value unchanged and
 * the dead-letter headers removed, so the consumers process them again. Fix the cause
 * first (a registry outage, a consumer bug): a message that still cannot be processed
 * comes straight back. Both consumer groups dead-letter a poison message, so the copies
 * of one source message are sent once.
 */
export async function resendDeadLetters(
  ctx: OpsContext,
  options: DlqResendOptions,
): Promise<ResendReport> {
  if (options.all === (options.offsets !== undefined)) {
    throw new UsageError('give either --offsets 3,5 or --all');
  }
  const admin = await ctx.admin();
  const bounds = await partitionBounds(admin, options.deadLetterTopic);
  let ranges: PartitionRange[];
  if (options.all) {
    ranges = bounds.map((b) => ({ partition: b.partition, start: b.low, end: b.high }));
  } else {
    const partition = options.partition ?? 0;
    const b = bounds.find((x) => x.partition === partition);
    if (!b)
      throw new UsageError(
        `--partition ${partition}: ${options.deadLetterTopic} has no such partition`,
      );
    const offsets = options.offsets!;
    const outside = offsets.filter((o) => o < b.low || o >= b.high);
    if (outside.length > 0) {
      throw new UsageError(
        `--offsets ${outside.join(', ')}: partition ${partition} of ${options.deadLetterTopic} ` +
          (b.low < b.high ? `holds offsets ${b.low} to ${b.high - 1n}` : 'is empty') +
          '; see `playhead dlq list`',
      );
    }
    ranges = [{ partition, start: offsets[0]!, end: offsets[offsets.length - 1]! + 1n }];
  }

  const wanted = options.offsets ? new Set(options.offsets.map(String)) : null;
  const chosen: Array<{ letter: DeadLetter; message: KafkaMessage }> = [];
  await readRanges(
    ctx.kafka(),
    admin,
    options.deadLetterTopic,
    ranges,
    (partition, messages) => {
      for (const message of messages) {
        if (wanted && !wanted.has(message.offset)) continue;
        chosen.push({ letter: toDeadLetter(partition, message), message });
      }
    },
    { purpose: 'dlq-resend' },
  );

  const seen = new Set<string>();
  const sends: Array<Resent & { message: Message }> = [];
  const duplicates: DeadLetter[] = [];
  for (const { letter, message } of chosen) {
    const id = sourceId(letter, options.defaultTopic);
    if (seen.has(id)) {
      duplicates.push(letter);
      continue;
    }
    seen.add(id);
    sends.push({
      letter,
      topic: letter.source.topic ?? options.defaultTopic,
      message: { key: message.key, value: message.value, headers: withoutOurs(message.headers) },
    });
  }

  if (!options.dryRun && sends.length > 0) {
    const producer = ctx.kafka().producer({
      allowAutoTopicCreation: false,
      // The producers' partitioner: a key goes back to the partition it came from.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const byTopic = new Map<string, Message[]>();
      for (const s of sends) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s.message]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } finally {
      await producer.disconnect();
    }
  }
  return {
    sent: sends.map(({ letter, topic }) => ({ letter, topic })),
    duplicates,
    dryRun: options.dryRun ?? false,
  };
}

function withoutOurs(headers: IHeaders | undefined): IHeaders {
  const kept: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!OURS.has(name) && value !== undefined) kept[name] = value;
  }
  return kept;
}
