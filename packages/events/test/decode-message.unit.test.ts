import { expect } from 'chai';
import avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import {
  CHECKPOINT_SCHEMA,
  RegistryUnavailableError,
  UnknownSchemaError,
  decodeMessage,
  type CheckpointCodec,
  type CheckpointEvent,
} from '../src/index.js';

const type = avro.Type.forSchema(CHECKPOINT_SCHEMA as unknown as avro.Schema);
const SCHEMA_ID = 7;

/** A codec whose registry holds one schema, or fails the way it is told to. */
function codec(fail?: Error): CheckpointCodec {
  return {
    writerSchema: async (id: number) => {
      if (fail) throw fail;
      if (id !== SCHEMA_ID) throw new UnknownSchemaError(id);
      return type;
    },
  } as unknown as CheckpointCodec;
}

const event: CheckpointEvent = {
  event_id: 'e-1',
  account_id: 'a1',
  profile_id: 'p1',
  video_id: 'v1',
  device_id: 'tv-1',
  position_seconds: 120,
  event: 'heartbeat',
  duration_seconds: 3600,
  session_id: null,
  event_time: 1_780_000_000_000,
  received_at: 1_780_000_000_500,
  client_ts: null,
};

function wire(body: Buffer, id = SCHEMA_ID): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

function message(value: Buffer | null, key = 'a1#p1#v1'): KafkaMessage {
  return { key: Buffer.from(key), value, offset: '0', timestamp: '0', attributes: 0, headers: {} };
}

const encoded = (patch: Partial<CheckpointEvent> = {}) =>
  wire(type.toBuffer({ ...event, ...patch }));

describe('decodeMessage: dead letter or retry', () => {
  it('decodes a good message into its checkpoint', async () => {
    const decoded = await decodeMessage(codec(), message(encoded()));

    expect(decoded).to.deep.include({ ok: true, eventId: 'e-1' });
    expect(decoded.ok && decoded.checkpoint.positionSeconds).to.equal(120);
  });

  const poison: Array<[string, KafkaMessage, RegExp]> = [
    ['no value', message(null), /wire format/],
    [
      'a wrong magic byte',
      message(Buffer.concat([Buffer.from([1]), encoded().subarray(1)])),
      /wire format/,
    ],
    ['an unknown schema id', message(wire(type.toBuffer(event), 99)), /no schema with id 99/],
    ['a body cut short', message(encoded().subarray(0, 12)), /truncated/],
    ['bytes after the body', message(Buffer.concat([encoded(), Buffer.from([1])])), /trailing/],
    ['a key that is not the body’s', message(encoded(), 'a1#p1#v2'), /key does not match/],
    ['a negative duration', message(encoded({ duration_seconds: -1 })), /duration_seconds/],
    [
      'an event time past 9999',
      message(encoded({ event_time: 9e15, received_at: 9e15 })),
      /event_time/,
    ],
    ['an event time after the receive time', message(encoded({ received_at: 1 })), /received_at/],
    [
      'an id with a control character',
      message(encoded({ device_id: 'tv\u0000' }), 'a1#p1#v1'),
      /device_id/,
    ],
  ];
  for (const [what, msg, error] of poison) {
    it(`dead-letters ${what}`, async () => {
      const decoded = await decodeMessage(codec(), msg);

      expect(decoded.ok).to.equal(false);
      expect(!decoded.ok && decoded.error).to.match(error);
    });
  }

  it('throws, for a retry, when the registry cannot be asked', async () => {
    const down = new RegistryUnavailableError(SCHEMA_ID, new Error('connect ECONNREFUSED'));

    const outcome = await decodeMessage(codec(down), message(encoded())).catch((e: unknown) => e);

    expect(outcome).to.be.instanceOf(RegistryUnavailableError);
    expect((outcome as RegistryUnavailableError).retriable).to.equal(true);
  });
});
