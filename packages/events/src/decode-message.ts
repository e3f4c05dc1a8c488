import { keyString, type Checkpoint } from '@playhead/domain';
import type { KafkaMessage } from 'kafkajs';
import { UnknownSchemaError, type CheckpointCodec } from './codec.js';
import { checkEvent } from './event-contract.js';

export type Decoded =
  | { readonly ok: true; readonly checkpoint: Checkpoint; readonly eventId: string }
  | { readonly ok: false; readonly error: string };

/**
 * Decodes one message of the checkpoint topic. A message that can never be read comes
 * back as `ok: false`, for the dead-letter topic: not the wire format, a schema id the
 * registry does not know, a body its writer's schema cannot read, a broken contract, a key
 * that is not its body's. Asking the registry is the one step a retry can fix (it may be
 * unreachable): those failures throw, and the caller retries.
 */
export async function decodeMessage(
  codec: CheckpointCodec,
  message: KafkaMessage,
): Promise<Decoded> {
  const value = message.value;
  if (!value || value.length < 6 || value[0] !== 0) {
    return {
      ok: false,
      error: 'not in the schema registry wire format (magic byte 0 + schema id)',
    };
  }
  const schemaId = value.readUInt32BE(1);

  let writer;
  try {
    writer = await codec.writerSchema(schemaId);
  } catch (error) {
    if (error instanceof UnknownSchemaError) return { ok: false, error: error.message };
    throw error;
  }

  // The same bytes and the same schema fail the same way every time: no retry can help.
  let decoded: unknown;
  try {
    decoded = writer.fromBuffer(value.subarray(5));
  } catch (error) {
    return { ok: false, error: `undecodable with schema ${schemaId}: ${(error as Error).message}` };
  }

  const checked = checkEvent(decoded);
  if (!checked.ok) return checked;
  if (message.key?.toString('utf8') !== keyString(checked.checkpoint)) {
    return { ok: false, error: 'contract: the message key does not match account#profile#video' };
  }
  return checked;
}
