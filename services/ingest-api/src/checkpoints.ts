import { randomUUID } from 'node:crypto';
import {
  keyString,
  validateCheckpoint,
  type ResumeRules,
  type CheckpointInput,
  type InputError,
} from '@playhead/domain';
import { toEvent, type CheckpointCodec } from '@playhead/events';
import type { Message } from 'kafkajs';

export interface Accepted {
  readonly eventId: string;
  readonly eventTime: number;
  readonly message: Message;
}

/** Encodes one validated checkpoint as a Kafka message keyed by its resume key. */
export async function toMessage(codec: CheckpointCodec, input: CheckpointInput): Promise<Accepted> {
  const eventId = randomUUID();
  const event = toEvent(input.checkpoint, {
    eventId,
    receivedAt: input.receivedAt,
    clientTs: input.clientTs,
  });
  const value = await codec.encode(event);
  return {
    eventId,
    eventTime: input.checkpoint.eventTime,
    message: { key: keyString(input.checkpoint), value, timestamp: String(input.receivedAt) },
  };
}

export type ItemResult =
  | { readonly index: number; readonly ok: true; readonly input: CheckpointInput }
  | { readonly index: number; readonly ok: false; readonly error: InputError };

/** Judges each item of a batch alone. */
export function validateBatchItems(
  items: unknown[],
  receivedAt: number,
  batchSentAt: number | null,
  rules: ResumeRules,
): ItemResult[] {
  return items.map((item, index) => {
    const checked = validateCheckpoint(item, receivedAt, {
      prefix: `checkpoints[${index}].`,
      batchSentAt,
      rules,
    });
    return checked.ok
      ? { index, ok: true, input: checked.value }
      : { index, ok: false, error: checked.error };
  });
}
