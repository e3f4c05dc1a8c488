import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type Message } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Checkpoint } from '@playhead/domain';
import {
  CheckpointCodec,
  DEAD_LETTER_HEADERS,
  toEvent,
  type CheckpointEvent,
} from '@playhead/events';
import { createPool, createRedis, readEntry, selectResumeStates } from '@playhead/store';
import { committedOffsets, topicEnd } from '../support/delivery-audit.js';
import { inProcess, sleep } from '../support/in-process.js';
import { eventually, testEnv } from '../support/pipeline.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

const REGISTRY = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface DeadLetter {
  headers: Record<string, string>;
}

/**
 * Messages no consumer can ever process, mixed into one partition between good ones: each
 * goes to the dead-letter topic with where it came from and why, and the partition moves
 * on. A failure a retry can fix (the registry unreachable) is retried, never dead-lettered.
 */
describe('fault: poison messages and a registry outage', function () {
  this.timeout(90_000);
  const account = `poison-${randomBytes(5).toString('hex')}`;
  let env: Record<string, string>;
  let kafka: Kafka;
  let codec: CheckpointCodec;

  /** A topic of one partition of its own; the ingest API creates it, as in production. */
  async function freshTopic(): Promise<void> {
    env = testEnv({ TOPIC_PARTITIONS: '1' });
    kafka = new Kafka({
      brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    });
    const ingest = await inProcess.ingest(env);
    await ingest.stop();
    codec = await CheckpointCodec.register(REGISTRY, env.CHECKPOINT_TOPIC!);
  }

  function checkpoint(video: string, position: number): Checkpoint {
    return {
      accountId: account,
      profileId: 'p1',
      videoId: video,
      deviceId: 'tv-1',
      positionSeconds: position,
      event: 'pause',
      durationSeconds: 7200,
      sessionId: null,
      eventTime: Date.now() - 1000,
    };
  }

  function event(video: string, position: number, patch: Partial<CheckpointEvent> = {}) {
    return {
      ...toEvent(checkpoint(video, position), {
        eventId: randomBytes(8).toString('hex'),
        receivedAt: Date.now(),
        clientTs: null,
      }),
      ...patch,
    };
  }

  const keyOf = (video: string) => `${account}#p1#${video}`;

  async function good(video: string, position: number): Promise<Message> {
    return { key: keyOf(video), value: await codec.encode(event(video, position)) };
  }

  async function produce(messages: Message[]): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: env.CHECKPOINT_TOPIC!,
      acks: -1,
      messages: messages.map((m) => ({ ...m, partition: 0 })),
    });
    await producer.disconnect();
  }

  async function readDeadLetters(): Promise<DeadLetter[]> {
    const total = await topicEnd(env.KAFKA_BROKERS ?? '127.0.0.1:9092', env.DEAD_LETTER_TOPIC!);
    if (total === 0) return [];
    const consumer = kafka.consumer({ groupId: `dlq-reader-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic: env.DEAD_LETTER_TOPIC!, fromBeginning: true });
    const seen: DeadLetter[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push({ headers: textHeaders(message.headers) });
          if (seen.length === total) resolve();
        },
      });
    });
    await consumer.disconnect();
    return seen;
  }

  async function groupsAtEnd(): Promise<void> {
    const brokers = env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    const end = await topicEnd(brokers, env.CHECKPOINT_TOPIC!);
    for (const group of [env.CHECKPOINTER_GROUP!, env.PROJECTOR_GROUP!]) {
      const at = (await committedOffsets(brokers, group, env.CHECKPOINT_TOPIC!)).get(0);
      if (at !== end) throw new Error(`${group} at ${at}, end ${end}`);
    }
  }

  async function storedPositions(videos: string[]) {
    const keys = videos.map((videoId) => ({ accountId: account, profileId: 'p1', videoId }));
    const db = createPool(DATABASE_URL, { max: 1 });
    const redis = createRedis(REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      const rows = await selectResumeStates(db, keys);
      const cached = await Promise.all(keys.map((k) => readEntry(redis, env.REDIS_PREFIX!, k)));
      return {
        postgres: Object.fromEntries(rows.map((r) => [r.key.videoId, r.state.positionSeconds])),
        redis: Object.fromEntries(
          cached.flatMap((c, i) => (c ? [[keys[i]!.videoId, c.state.positionSeconds]] : [])),
        ),
      };
    } finally {
      await db.end();
      redis.disconnect();
    }
  }

  describe('poison mixed into a partition', () => {
    let checkpointer: Started<'checkpointer'>;
    let projector: Started<'projector'>;

    before(freshTopic);
    after(async () => {
      await Promise.allSettled([checkpointer?.stop(), projector?.stop()]);
    });

    it('dead-letters each poison message with its origin and moves on', async () => {
      const registry = new SchemaRegistry({ host: REGISTRY });
      const foreign = await registry.register(
        {
          type: SchemaType.AVRO,
          schema: JSON.stringify({
            type: 'record',
            name: 'Other',
            namespace: 'dev.playhead.test',
            fields: [{ name: 'x', type: 'string' }],
          }),
        },
        { subject: `${env.CHECKPOINT_TOPIC}-other-value` },
      );
      const body = (await good('v0', 100)).value as Buffer;
      const schemaId = body.readUInt32BE(1);
      const unknownId = Buffer.alloc(5);
      unknownId.writeUInt32BE(2_000_000_000 + (schemaId % 1000), 1);

      const poison: Array<{ name: string; message: Message }> = [
        {
          name: 'garbage bytes',
          message: { key: keyOf('v1'), value: randomBytes(40).fill(0xff, 0, 1) },
        },
        {
          name: 'wrong magic byte',
          message: { key: keyOf('v1'), value: Buffer.concat([Buffer.from([1]), body.subarray(1)]) },
        },
        {
          name: 'unknown schema id',
          message: { key: keyOf('v1'), value: Buffer.concat([unknownId, body.subarray(5)]) },
        },
        { name: 'key not matching the body', message: { key: keyOf('v999'), value: body } },
        { name: 'Avro body cut short', message: { key: keyOf('v0'), value: body.subarray(0, 20) } },
        {
          name: 'bytes after the Avro body',
          message: { key: keyOf('v0'), value: Buffer.concat([body, Buffer.from([2, 4, 6])]) },
        },
        {
          name: 'negative duration (breaks the contract and the table check)',
          message: {
            key: keyOf('v1'),
            value: await codec.encode(event('v1', 100, { duration_seconds: -1 })),
          },
        },
        {
          name: 'event time past any date',
          message: {
            key: keyOf('v1'),
            value: await codec.encode(event('v1', 100, { event_time: 9e15 })),
          },
        },
        { name: 'no value (tombstone)', message: { key: keyOf('v1'), value: null } },
        {
          name: 'another subject’s schema',
          message: {
            key: keyOf('v1'),
            value: await registry.encode(foreign.id, { x: 'not a checkpoint' }),
          },
        },
      ];

      // good, poison, good, poison, ...: every poison message sits between good ones.
      const messages: Message[] = [await good('v0', 100)];
      const goodVideos = ['v0'];
      for (const [i, p] of poison.entries()) {
        messages.push(p.message);
        goodVideos.push(`v${i + 1}`);
        messages.push(await good(`v${i + 1}`, 200 + i));
      }
      const started = Date.now();
      await produce(messages);
      [checkpointer, projector] = await Promise.all([
        inProcess.checkpointer(env),
        inProcess.projector(env),
      ]);
      await eventually(groupsAtEnd, 30_000, 200);
      const movedOnMs = Date.now() - started;

      const dead = await readDeadLetters();
      const stored = await storedPositions(goodVideos);
      const byGroup = (group: string) =>
        dead
          .filter((d) => d.headers[DEAD_LETTER_HEADERS.consumer] === group)
          .map((d) => Number(d.headers[DEAD_LETTER_HEADERS.offset]))
          .sort((a, b) => a - b);
      const poisonOffsets = poison.map((_, i) => 2 * i + 1);

      console.log(
        [
          '[fault] poison messages mixed into one partition',
          `  messages ${messages.length}: good ${goodVideos.length}, poison ${poison.length}`,
          `  dead letters: ${dead.length} (checkpointer ${byGroup(env.CHECKPOINTER_GROUP!).length}, projector ${byGroup(env.PROJECTOR_GROUP!).length})`,
          `  good ones in postgres ${Object.keys(stored.postgres).length}, in redis ${Object.keys(stored.redis).length}`,
          `  both groups at the end of the partition ${(movedOnMs / 1000).toFixed(1)} s after the produce`,
          ...poison.map(
            (p, i) =>
              `  ${p.name}: ${dead.find((d) => Number(d.headers[DEAD_LETTER_HEADERS.offset]) === poisonOffsets[i])?.headers[DEAD_LETTER_HEADERS.error] ?? 'NOT DEAD-LETTERED'}`,
          ),
        ].join('\n'),
      );

      expect(byGroup(env.CHECKPOINTER_GROUP!)).to.deep.equal(poisonOffsets);
      expect(byGroup(env.PROJECTOR_GROUP!)).to.deep.equal(poisonOffsets);
      for (const d of dead) {
        expect(d.headers[DEAD_LETTER_HEADERS.topic]).to.equal(env.CHECKPOINT_TOPIC);
        expect(d.headers[DEAD_LETTER_HEADERS.partition]).to.equal('0');
        expect(d.headers[DEAD_LETTER_HEADERS.error]).to.be.a('string').and.not.equal('');
      }
      const expected = Object.fromEntries(
        goodVideos.map((v, i) => [v, i === 0 ? 100 : 200 + i - 1]),
      );
      expect(stored.postgres).to.deep.equal(expected);
      expect(stored.redis).to.deep.equal(expected);
    });
  });

  describe('the schema registry unreachable', () => {
    let proxy: TcpProxy;
    let checkpointer: Started<'checkpointer'>;
    let projector: Started<'projector'>;

    before(freshTopic);
    after(async () => {
      await Promise.allSettled([checkpointer?.stop(), projector?.stop()]);
      await proxy?.close();
    });

    it('retries decoding until it answers, and dead-letters nothing', async () => {
      const registry = new URL(REGISTRY);
      proxy = await startTcpProxy({ host: registry.hostname, port: Number(registry.port) });
      registry.port = String(proxy.port);
      // Fresh consumers: nothing cached, every schema must be fetched.
      const fresh = { ...env, SCHEMA_REGISTRY_URL: registry.toString() };
      const brokers = env.KAFKA_BROKERS ?? '127.0.0.1:9092';
      const deadBefore = await topicEnd(brokers, env.DEAD_LETTER_TOPIC!);
      await proxy.cut();
      [checkpointer, projector] = await Promise.all([
        inProcess.checkpointer(fresh),
        inProcess.projector(fresh),
      ]);
      const videos = ['r1', 'r2', 'r3'];
      await produce(await Promise.all(videos.map((v, i) => good(v, 300 + i))));

      await sleep(6000);
      const deadDuring = await topicEnd(brokers, env.DEAD_LETTER_TOPIC!);
      const during = await storedPositions(videos);
      const committedDuring = await committedOffsets(
        brokers,
        env.CHECKPOINTER_GROUP!,
        env.CHECKPOINT_TOPIC!,
      );
      await proxy.restore();
      const restoredAt = Date.now();
      await eventually(
        async () => {
          const s = await storedPositions(videos);
          if (Object.keys(s.postgres).length < 3 || Object.keys(s.redis).length < 3) {
            throw new Error('not yet');
          }
        },
        30_000,
        200,
      );
      const deadAfter = await topicEnd(brokers, env.DEAD_LETTER_TOPIC!);
      console.log(
        [
          '[fault] schema registry unreachable for 6 s (fresh consumers, nothing cached)',
          `  stored during the outage: postgres ${Object.keys(during.postgres).length}, redis ${Object.keys(during.redis).length}`,
          `  dead letters added: during ${deadDuring - deadBefore}, after ${deadAfter - deadBefore}`,
          `  all stored ${((Date.now() - restoredAt) / 1000).toFixed(1)} s after the registry came back`,
        ].join('\n'),
      );

      expect(deadDuring - deadBefore).to.equal(0);
      expect(deadAfter - deadBefore).to.equal(0);
      expect(Object.keys(during.postgres)).to.have.length(0);
      expect(Object.keys(during.redis)).to.have.length(0);
      // Nothing was committed past the messages it could not read.
      expect(committedDuring.get(0) ?? -1).to.be.at.most(
        (await topicEnd(brokers, env.CHECKPOINT_TOPIC!)) - videos.length,
      );
    });
  });
});

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [
      k,
      Buffer.isBuffer(v) ? v.toString('utf8') : String(v),
    ]),
  );
}
