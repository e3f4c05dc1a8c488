import express from 'express';
import { resolveRules } from '@playhead/config';
import { CheckpointCodec, connectPipelineKafka } from '@playhead/events';
import { closeServer, createRegistry, listen, opsRouter, requestMetrics } from '@playhead/http';
import type { Logger } from '@playhead/logger';
import {
  createPool,
  deleteExpiredEntries,
  selectResumeStates,
  upsertResumeStates,
} from '@playhead/store';
import { CheckpointConsumer } from './checkpoint-consumer.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import type { CheckpointerConfig } from './config.js';
import { createCheckpointerMetrics } from './metrics.js';
import { RetentionJob } from './retention-job.js';

export interface RunningCheckpointer {
  readonly url: string;
  readonly writer: CheckpointWriter;
  /** Writes every waiting checkpoint now, as the timer would within a minute. */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a checkpointer instance: one member of the consumer group. */
export async function startCheckpointer(
  config: CheckpointerConfig,
  logger: Logger,
  clock: () => number = Date.now,
): Promise<RunningCheckpointer> {
  const kafka = await connectPipelineKafka('playhead-checkpointer', config, logger);
  const codec = CheckpointCodec.forDecoding(config.SCHEMA_REGISTRY_URL);
  const db = createPool(config.DATABASE_URL);
  db.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));

  const writer = new CheckpointWriter(
    {
      load: (keys) => selectResumeStates(db, keys),
      write: (entries) => upsertResumeStates(db, entries),
    },
    resolveRules(config),
    clock,
    { maxKeys: config.MAX_KEYS_HELD, writeBatchSize: config.WRITE_BATCH_SIZE },
  );
  const registry = createRegistry('checkpointer');
  const metrics = createCheckpointerMetrics(registry, config.CHECKPOINTER_GROUP);
  metrics.track(writer);
  const consumer = new CheckpointConsumer(
    kafka,
    codec,
    writer,
    {
      topic: config.CHECKPOINT_TOPIC,
      deadLetterTopic: config.DEAD_LETTER_TOPIC,
      groupId: config.CHECKPOINTER_GROUP,
      flushIntervalMs: config.FLUSH_INTERVAL_MS,
      sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    },
    metrics,
    logger.child({ component: 'consumer', group: config.CHECKPOINTER_GROUP }),
  );
  await consumer.start();
  const retention = new RetentionJob(
    (before, limit) => deleteExpiredEntries(db, before, limit),
    {
      intervalMs: config.RETENTION_INTERVAL_MS,
      // Unset, the retention of the rules: the one Redis expiry uses too.
      retentionMs:
        config.RETENTION_DAYS === undefined
          ? resolveRules(config).retentionMs
          : config.RETENTION_DAYS * 86_400_000,
      batchSize: config.RETENTION_BATCH_SIZE,
    },
    clock,
    registry,
    logger.child({ component: 'retention' }),
  );
  retention.start();

  const app = express();
  app.use(requestMetrics(registry));
  app.use(
    opsRouter(registry, {
      postgres: async () => {
        await db.query('SELECT 1');
      },
    }),
  );
  const { server, url } = await listen(app, config.METRICS_HOST, config.METRICS_PORT, logger);

  return {
    url,
    writer,
    flushAll: () => consumer.flushAll(),
    async stop() {
      await retention.stop();
      await consumer.stop();
      await closeServer(server, 2000);
      await db.end();
    },
  };
}
