import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Checkpoint } from '@playhead/domain';
import { CHECKPOINT_SCHEMA, type CheckpointEvent } from './checkpoint-schema.js';

/** A schema id no checkpoint can be read with: the registry has no such id, or not Avro. */
export class UnknownSchemaError extends Error {
  readonly retriable = false;
  constructor(
    readonly schemaId: number,
    reason = `the schema registry knows no schema with id ${schemaId}`,
  ) {
    super(reason);
    this.name = 'UnknownSchemaError';
  }
}

/** The registry could not be asked (down, unreachable, failing); a retry can help. */
export class RegistryUnavailableError extends Error {
  readonly retriable = true;
  constructor(
    readonly schemaId: number,
    cause: unknown,
  ) {
    super(`the schema registry did not return schema ${schemaId}: ${(cause as Error).message}`, {
      cause,
    });
    this.name = 'RegistryUnavailableError';
  }
}

/** A writer's schema as the decoder uses it. */
export interface WriterSchema {
  fromBuffer(buffer: Buffer): unknown;
}

/** Registry subject of a topic's values, Confluent's `<topic>-value` naming. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/**
 * Encodes and decodes checkpoint events in the Confluent wire format (magic byte, schema
 * id, Avro body) through the schema registry.
 */
export class CheckpointCodec {
  private constructor(
    private readonly registry: SchemaRegistry,
    private readonly schemaId: number | null,
  ) {}

  /**
   * Registers the schema under the topic's subject (a no-op when it is already there) and
   * returns a codec that encodes with it. Instances starting together may race to create
   * the subject's settings; the loser tries again once the subject exists.
   */
  static async register(registryUrl: string, topic: string): Promise<CheckpointCodec> {
    const registry = new SchemaRegistry({ host: registryUrl });
    const schema = { type: SchemaType.AVRO as const, schema: JSON.stringify(CHECKPOINT_SCHEMA) };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { id } = await registry.register(schema, { subject: valueSubject(topic) });
        return new CheckpointCodec(registry, id);
      } catch (error) {
        if (attempt >= 5 || (error as { status?: number }).status !== 409) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** A codec that only decodes: consumers read the writer's schema id from each message. */
  static forDecoding(registryUrl: string): CheckpointCodec {
    return new CheckpointCodec(new SchemaRegistry({ host: registryUrl }), null);
  }

  get id(): number | null {
    return this.schemaId;
  }

  encode(event: CheckpointEvent): Promise<Buffer> {
    if (this.schemaId === null) throw new Error('this codec was made for decoding only');
    return this.registry.encode(this.schemaId, event);
  }

  /**
   * The writer's schema of an id, from the registry (cached after the first fetch). Throws
   * UnknownSchemaError when the registry answered that it has no such id, and
   * RegistryUnavailableError for anything else, network failures included: the client
   * reports a refused connection as a status 400, so only a 404 means "no such schema".
   */
  async writerSchema(schemaId: number): Promise<WriterSchema> {
    let schema: unknown;
    try {
      schema = await this.registry.getSchema(schemaId);
    } catch (error) {
      if ((error as { status?: number }).status === 404) throw new UnknownSchemaError(schemaId);
      throw new RegistryUnavailableError(schemaId, error);
    }
    if (typeof (schema as Partial<WriterSchema>).fromBuffer !== 'function') {
      throw new UnknownSchemaError(schemaId, `schema ${schemaId} is not an Avro schema`);
    }
    return schema as WriterSchema;
  }

  /** Decodes with the writer's schema, fetched by the id in the message (cached). */
  async decode(message: Buffer): Promise<CheckpointEvent> {
    return (await this.registry.decode(message)) as CheckpointEvent;
  }
}

/** The domain's view of an event. */
export function toCheckpoint(event: CheckpointEvent): Checkpoint {
  return {
    accountId: event.account_id,
    profileId: event.profile_id,
    videoId: event.video_id,
    deviceId: event.device_id,
    positionSeconds: event.position_seconds,
    event: event.event,
    durationSeconds: event.duration_seconds,
    sessionId: event.session_id,
    eventTime: Number(event.event_time),
  };
}

export function toEvent(
  checkpoint: Checkpoint,
  meta: { eventId: string; receivedAt: number; clientTs: number | null },
): CheckpointEvent {
  return {
    event_id: meta.eventId,
    account_id: checkpoint.accountId,
    profile_id: checkpoint.profileId,
    video_id: checkpoint.videoId,
    device_id: checkpoint.deviceId,
    position_seconds: checkpoint.positionSeconds,
    event: checkpoint.event,
    duration_seconds: checkpoint.durationSeconds,
    session_id: checkpoint.sessionId,
    event_time: checkpoint.eventTime,
    received_at: meta.receivedAt,
    client_ts: meta.clientTs,
  };
}
