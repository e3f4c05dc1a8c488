import type { Server } from 'node:http';
import { Partitioners } from 'kafkajs';
import { CheckpointCodec, createKafka, ensureTopics, pipelineTopics } from '@playhead/events';
import { closeServer, createRegistry, listen } from '@playhead/http';
import type { Logger } from '@playhead/logger';
import { createIngestApp } from './app.js';
import type { IngestConfig } from './config.js';
import { BatchingPublisher } from './publisher.js';

export interface RunningIngest {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the ingest API: topics ensured, schema registered, producer connected, port bound. */
export async function startIngest(config: IngestConfig, logger: Logger): Promise<RunningIngest> {
  const kafka = createKafka({ clientId: 'playhead-ingest', brokers: config.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, pipelineTopics(config));
  } finally {
    await admin.disconnect();
  }

  const codec = await CheckpointCodec.register(config.SCHEMA_REGISTRY_URL, config.CHECKPOINT_TOPIC);
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  await producer.connect();

  const publisher = new BatchingPublisher(
    producer,
    config.CHECKPOINT_TOPIC,
    { lingerMs: config.PUBLISH_LINGER_MS, maxBatch: 1000, timeoutMs: config.PUBLISH_TIMEOUT_MS },
    logger.child({ component: 'publisher' }),
  );
  const registry = createRegistry('ingest-api');
  const readiness = {
    kafka: async () => {
      const probe = kafka.admin();
      await probe.connect();
      try {
        await probe.fetchTopicMetadata({ topics: [config.CHECKPOINT_TOPIC] });
      } finally {
        await probe.disconnect();
      }
    },
  };
  const app = createIngestApp({ config, codec, publisher, registry, readiness, logger });
  const server: Server = await listen(app, config.INGEST_HOST, config.INGEST_PORT, logger);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.INGEST_PORT;

  return {
    url: `http://${config.INGEST_HOST}:${port}`,
    async stop() {
      await closeServer(server, 5000);
      await publisher.drain();
      await producer.disconnect();
    },
  };
}
