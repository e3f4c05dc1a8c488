import express from 'express';
import { resolveRules } from '@playhead/config';
import { keyString } from '@playhead/domain';
import { CheckpointCodec, connectPipelineKafka } from '@playhead/events';
import { closeServer, createRegistry, listen, opsRouter, requestMetrics } from '@playhead/http';
import type { Logger } from '@playhead/logger';
import {
  createPool,
  createRedis,
  defineScripts,
  entryKey,
  selectResumeStates,
  writeEntry,
  type CachedEntry,
} from '@playhead/store';
import type { ProjectorConfig } from './config.js';
import { ProjectorConsumer } from './projector-consumer.js';
import type { ProjectionStore } from './projection.js';

export interface RunningProjector {
  readonly url: string;
  readonly consumer: ProjectorConsumer;
  stop(): Promise<void>;
}

export async function startProjector(
  config: ProjectorConfig,
  logger: Logger,
): Promise<RunningProjector> {
  const kafka = await connectPipelineKafka('playhead-projector', config, logger);
  const codec = CheckpointCodec.forDecoding(config.SCHEMA_REGISTRY_URL);
  const db = createPool(config.DATABASE_URL, { max: 4 });
  db.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  // The projector waits for Redis rather than failing fast: commands queue while it
  // reconnects, and the batch is retried until they go through. A Redis that holds the
  // connection open and never answers (hung, or gone without a reset) fails the command
  // after REDIS_COMMAND_TIMEOUT_MS, so the batch is retried with heartbeats in between
  // instead of hanging until the group evicts this member.
  const redis = createRedis(config.REDIS_URL, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
  defineScripts(redis);
  const prefix = config.REDIS_PREFIX;
  const rules = resolveRules(config);

  const store: ProjectionStore = {
    async readCache(keys) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.hmget(entryKey(prefix, key), 's', 'h');
      const results = (await pipeline.exec()) ?? [];
      const found = new Map<string, CachedEntry>();
      results.forEach(([error, value], i) => {
        if (error) throw error;
        const [s, h] = value as [string | null, string | null];
        if (s !== null)
          found.set(keyString(keys[i]!), { state: JSON.parse(s), hiddenAt: h ? Number(h) : null });
      });
      return found;
    },
    readDatabase: (keys) => selectResumeStates(db, keys),
    writeCache: (entry) => writeEntry(redis, prefix, entry, rules),
  };

  const registry = createRegistry('projector');
  const consumer = new ProjectorConsumer(
    kafka,
    codec,
    store,
    rules,
    {
      topic: config.CHECKPOINT_TOPIC,
      deadLetterTopic: config.DEAD_LETTER_TOPIC,
      groupId: config.PROJECTOR_GROUP,
      sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
      partitionsConsumedConcurrently: config.PARTITIONS_CONSUMED_CONCURRENTLY,
    },
    registry,
    logger.child({ component: 'consumer', group: config.PROJECTOR_GROUP }),
  );
  await consumer.start();

  const app = express();
  app.use(requestMetrics(registry));
  app.use(
    opsRouter(registry, {
      redis: async () => {
        await redis.ping();
      },
      postgres: async () => {
        await db.query('SELECT 1');
      },
    }),
  );
  const { server, url } = await listen(app, config.METRICS_HOST, config.METRICS_PORT, logger);

  return {
    url,
    consumer,
    async stop() {
      await consumer.stop();
      await closeServer(server, 2000);
      redis.disconnect();
      await db.end();
    },
  };
}
