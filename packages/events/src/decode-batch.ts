import type { Batch, Producer } from 'kafkajs';
import type { Checkpoint } from '@playhead/domain';
import type { Logger } from '@playhead/logger';
import type { CheckpointCodec } from './codec.js';
import { sendDeadLetter } from './dead-letters.js';
import { decodeMessage } from './decode-message.js';
import { retryWithBackoff } from './retry.js';

export interface DecodedBatch {
  /** The checkpoints of the batch in offset order. */
  readonly items: Array<{ readonly offset: bigint; readonly checkpoint: Checkpoint }>;
  /** Offsets of the messages sent to the dead-letter topic. */
  readonly deadLettered: bigint[];
}

/**
 * Decodes a fetched batch for a consumer group. A message that can never be read goes to
 * the dead-letter topic with its origin, and the batch moves on; a registry that cannot
 * be asked is retried with backoff until it answers or the work is no longer ours.
 */
export async function decodeBatch(options: {
  batch: Batch;
  codec: CheckpointCodec;
  producer: Producer;
  deadLetterTopic: string;
  groupId: string;
  heartbeat: () => Promise<void>;
  shouldStop: () => boolean;
  signal?: AbortSignal;
  logger: Logger;
  onDeadLetter: () => void;
}): Promise<DecodedBatch> {
  const { batch, logger } = options;
  const items: DecodedBatch['items'] = [];
  const deadLettered: bigint[] = [];
  for (const message of batch.messages) {
    const decoded = await retryWithBackoff(() => decodeMessage(options.codec, message), {
      shouldStop: options.shouldStop,
      onRetry: (error, delay) => logger.debug({ err: error, delay }, 'decode retry'),
      heartbeat: options.heartbeat,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (decoded.ok) {
      items.push({ offset: BigInt(message.offset), checkpoint: decoded.checkpoint });
      continue;
    }
    await sendDeadLetter(
      options.producer,
      options.deadLetterTopic,
      { topic: batch.topic, partition: batch.partition, message, consumer: options.groupId },
      decoded.error,
    );
    options.onDeadLetter();
    logger.warn({ offset: message.offset, error: decoded.error }, 'dead-lettered a message');
    deadLettered.push(BigInt(message.offset));
  }
  return { items, deadLettered };
}
