import { expect } from 'chai';
import { Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';
import { createLogger } from '@playhead/logger';
import { createPool, createRedis, type Pool, type Redis } from '@playhead/store';
import { loadCheckpointerConfig } from '../../services/checkpointer/src/config.js';
import { startCheckpointer } from '../../services/checkpointer/src/service.js';
import { loadProjectorConfig } from '../../services/projector/src/config.js';
import { startProjector } from '../../services/projector/src/service.js';
import { drain, freshId, postJson, startPipeline, type Pipeline } from '../support/pipeline.js';

describe('duplicates and replays leave every row unchanged', function () {
  this.timeout(90_000);
  let pipeline: Pipeline;
  let db: Pool;
  let redis: Redis;
  let kafka: Kafka;
  const account = freshId('acct');

  before(async () => {
    pipeline = await startPipeline();
    db = createPool(pipeline.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead');
    redis = createRedis(pipeline.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableOfflineQueue: true,
    });
    kafka = new Kafka({
      brokers: (pipeline.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    });

    // A few viewers, several videos each, with every kind of event.
    const base = Date.now() - 3_600_000;
    const events = [
      'start',
      'heartbeat',
      'heartbeat',
      'seek',
      'heartbeat',
      'pause',
      'heartbeat',
      'stop',
    ] as const;
    const checkpoints: Record<string, unknown>[] = [];
    for (const profile of ['p1', 'p2', 'p3']) {
      for (const video of ['v1', 'v2', 'v3', 'v4']) {
        let position = 0;
        events.forEach((event, i) => {
          position = event === 'seek' ? position + 900 : position + 10;
          checkpoints.push({
            account_id: account,
            profile_id: profile,
            video_id: video,
            device_id: `dev-${profile}`,
            position_seconds: position,
            event,
            duration_seconds: 5400,
            client_ts: new Date(base + i * 10_000).toISOString(),
          });
        });
      }
    }
    const res = await postJson(`${pipeline.ingest.url}/playback/batch`, {
      sent_at: new Date(base + 3_600_000).toISOString(),
      checkpoints,
    });
    expect(res.status).to.equal(202);
    await drain(pipeline);
  });

  after(async () => {
    await pipeline?.stop();
    await db?.end();
    redis?.disconnect();
  });

  async function snapshot(): Promise<{ rows: unknown[]; cache: unknown[] }> {
    const { rows } = await db.query(
      'SELECT * FROM resume_state WHERE account_id = $1 ORDER BY profile_id, video_id',
      [account],
    );
    const keys = (await redis.keys(`${pipeline.env.REDIS_PREFIX}:*`)).sort();
    const cache = await Promise.all(
      keys.map(async (k) =>
        k.endsWith(':cw')
          ? { k, list: await redis.zrange(k, 0, -1, 'WITHSCORES') }
          : { k, ...(await redis.hgetall(k)) },
      ),
    );
    return { rows, cache };
  }

  async function readTopic(): Promise<Array<{ partition: number; message: KafkaMessage }>> {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(pipeline.env.CHECKPOINT_TOPIC!);
    await admin.disconnect();
    const total = ends.reduce((n, e) => n + Number(e.high), 0);
    const consumer = kafka.consumer({ groupId: freshId('reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: pipeline.env.CHECKPOINT_TOPIC!, fromBeginning: true });
    const seen: Array<{ partition: number; message: KafkaMessage }> = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, message });
          if (seen.length === total) resolve();
        },
      });
    });
    await consumer.disconnect();
    return seen;
  }

  it('the same messages delivered twice change nothing', async () => {
    const before = await snapshot();
    expect(before.rows).to.have.length(12);

    const messages = await readTopic();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: pipeline.env.CHECKPOINT_TOPIC!,
      acks: -1,
      messages: messages.map(({ message }) => ({ key: message.key, value: message.value })),
    });
    await producer.disconnect();
    await drain(pipeline);

    expect(await snapshot()).to.deep.equal(before);
  });

  it('replaying the topic from the start with fresh consumers changes nothing', async () => {
    const before = await snapshot();
    await Promise.all([pipeline.checkpointer.stop(), pipeline.projector.stop()]);

    const admin = kafka.admin();
    await admin.connect();
    for (const groupId of [pipeline.env.CHECKPOINTER_GROUP!, pipeline.env.PROJECTOR_GROUP!]) {
      await admin.resetOffsets({ groupId, topic: pipeline.env.CHECKPOINT_TOPIC!, earliest: true });
    }
    await admin.disconnect();

    const logger = createLogger('test', { level: 'silent' });
    const checkpointer = await startCheckpointer(loadCheckpointerConfig(pipeline.env), logger);
    const projector = await startProjector(loadProjectorConfig(pipeline.env), logger);
    Object.assign(pipeline, { checkpointer, projector });
    await drain(pipeline);

    expect(await snapshot()).to.deep.equal(before);
  });
});
