import { DEAD_LETTER_HEADERS } from '@playhead/events';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/** One message of the dead-letter topic, with where it came from and why it is there. */
export interface DeadLetter {
  /** Where it sits in the dead-letter topic. */
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  readonly key: string | null;
  readonly error: string | null;
  readonly source: { topic: string | null; partition: number | null; offset: string | null };
  /** Consumer group that gave up on it. */
  readonly consumer: string | null;
  readonly valueBytes: number;
  /** Schema id of a value in the registry wire format, or null. */
  readonly schemaId: number | null;
}

export function header(headers: IHeaders | undefined, name: string): string | null {
  const value = headers?.[name];
  if (value === undefined || value === null) return null;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

export function toDeadLetter(partition: number, message: KafkaMessage): DeadLetter {
  const h = message.headers;
  const sourcePartition = header(h, DEAD_LETTER_HEADERS.partition);
  const value = message.value;
  return {
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString('utf8') ?? null,
    error: header(h, DEAD_LETTER_HEADERS.error),
    source: {
      topic: header(h, DEAD_LETTER_HEADERS.topic),
      partition: sourcePartition === null ? null : Number(sourcePartition),
      offset: header(h, DEAD_LETTER_HEADERS.offset),
    },
    consumer: header(h, DEAD_LETTER_HEADERS.consumer),
    valueBytes: value?.length ?? 0,
    schemaId: value && value.length >= 5 && value[0] === 0 ? value.readInt32BE(1) : null,
  };
}

/** The same source message dead-lettered by several consumer groups, once. */
export function sourceId(letter: DeadLetter, fallbackTopic: string): string {
  const { topic, partition, offset } = letter.source;
  if (partition === null || offset === null) return `dlq:${letter.partition}:${letter.offset}`;
  return `${topic ?? fallbackTopic}:${partition}:${offset}`;
}
