import { keyString, validateId, type Checkpoint } from '@playhead/domain';
import type { KafkaMessage } from 'kafkajs';
import { toCheckpoint, type CheckpointCodec } from './codec.js';

export type Decoded =
  | { readonly ok: true; readonly checkpoint: Checkpoint; readonly eventId: string }
  | { readonly ok: false; readonly error: string };

/**
 * Decodes one message of the checkpoint topic. A message that can never be read (not
 * the wire format, an unknown schema, a broken contract) comes back as `ok: false` for
 * the dead-letter topic; a failure that a retry can fix (registry unreachable) throws.
 */
export async function decodeMessage(
  codec: CheckpointCodec,
  message: KafkaMessage,
): Promise<Decoded> {
  if (!message.value || message.value.length < 6 || message.value[0] !== 0) {
    return {
      ok: false,
      error: 'not in the schema registry wire format (magic byte 0 + schema id)',
    };
  }
  let event;
  try {
    event = await codec.decode(message.value);
  } catch (error) {
    if (isPermanent(error)) return { ok: false, error: `undecodable: ${(error as Error).message}` };
    throw error;
  }

  const checkpoint = toCheckpoint(event);
  for (const [field, value] of [
    ['account_id', checkpoint.accountId],
    ['profile_id', checkpoint.profileId],
    ['video_id', checkpoint.videoId],
    ['device_id', checkpoint.deviceId],
  ] as const) {
    const checked = validateId(value, field);
    if (!checked.ok) return { ok: false, error: `contract: ${checked.error.message}` };
  }
  if (!Number.isFinite(checkpoint.positionSeconds) || checkpoint.positionSeconds < 0) {
    return { ok: false, error: 'contract: position_seconds must be a finite number >= 0' };
  }
  if (!Number.isFinite(checkpoint.eventTime) || checkpoint.eventTime <= 0) {
    return { ok: false, error: 'contract: event_time must be a positive epoch ms' };
  }
  const key = message.key?.toString('utf8');
  if (key !== keyString(checkpoint)) {
    return { ok: false, error: 'contract: the message key does not match account#profile#video' };
  }
  return { ok: true, checkpoint, eventId: event.event_id };
}

function isPermanent(error: unknown): boolean {
  const e = error as { name?: string; status?: number; message?: string };
  // Unknown schema id: the registry answered, and it will answer the same again.
  if (e.status === 404) return true;
  // avsc throws plain Errors on a body that does not match the writer's schema.
  if (e.name === 'ConfluentSchemaRegistryArgumentError') return true;
  if (e.name === 'Error' && /truncated|invalid|no such|unexpected/i.test(e.message ?? ''))
    return true;
  return error instanceof RangeError || error instanceof TypeError;
}
