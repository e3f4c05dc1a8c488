import { Partitioners } from 'kafkajs';
import { CheckpointCodec, connectPipelineKafka } from '@playhead/events';
import { closeServer, createRegistry, createVerifier, limitRate, listen } from '@playhead/http';
import { createRedis } from '@playhead/store';
import type { Request } from 'express';
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
  const verifier = createVerifier(config);
  if (verifier === null) logger.warn('authentication is switched off (AUTH_DISABLED)');
  const kafka = await connectPipelineKafka('playhead-ingest', config, logger);

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
    {
      lingerMs: config.PUBLISH_LINGER_MS,
      maxBatch: 1000,
      maxInFlight: config.PUBLISH_MAX_IN_FLIGHT,
      timeoutMs: config.PUBLISH_TIMEOUT_MS,
    },
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
    // A registry that lost its schemas would make every event published from now on
    // unreadable: not ready until it knows the schema id this instance encodes with.
    schemaRegistry: async () => {
      const res = await fetch(`${config.SCHEMA_REGISTRY_URL}/schemas/ids/${codec.id}`, {
        signal: AbortSignal.timeout(1000),
      });
      await res.body?.cancel();
      if (!res.ok)
        throw new Error(`the registry does not know schema id ${codec.id} (${res.status})`);
    },
  };
  // Rate-limit counts only: commands may wait for the first connection, never long.
  const redis = createRedis(config.REDIS_URL, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    commandTimeout: 100,
  });
  redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
  const app = createIngestApp({
    config,
    codec,
    publisher,
    registry,
    readiness,
    logger,
    verifier,
    limits: rateLimits(config, redis),
  });
  const { server, url } = await listen(app, config.INGEST_HOST, config.INGEST_PORT, logger);

  return {
    url,
    async stop() {
      await closeServer(server, 5000);
      await publisher.drain();
      await producer.disconnect();
      redis.disconnect();
    },
  };
}

/** Per device and per account, counted in Redis so all instances share the counts. */
function rateLimits(config: IngestConfig, redis: ReturnType<typeof createRedis>) {
  const body = (req: Request) =>
    typeof req.body === 'object' && req.body !== null ? req.body : {};
  const account = (req: Request): string | null => {
    const principal = (req.res?.locals.principal as { accountId?: string } | undefined)?.accountId;
    const claimed = body(req).account_id ?? body(req).checkpoints?.[0]?.account_id;
    const id = principal ?? claimed;
    return typeof id === 'string' ? id : null;
  };
  const device = (req: Request): string | null => {
    const id = body(req).device_id ?? body(req).checkpoints?.[0]?.device_id;
    const owner = account(req);
    return typeof id === 'string' && owner !== null ? `${owner}#${id}` : null;
  };
  const common = { redis, prefix: config.REDIS_PREFIX, windowMs: config.RATE_LIMIT_WINDOW_MS };
  return [
    ...(config.RATE_LIMIT_PER_DEVICE > 0
      ? [
          limitRate({
            ...common,
            limit: config.RATE_LIMIT_PER_DEVICE,
            subject: 'device',
            keyOf: device,
          }),
        ]
      : []),
    ...(config.RATE_LIMIT_PER_ACCOUNT > 0
      ? [
          limitRate({
            ...common,
            limit: config.RATE_LIMIT_PER_ACCOUNT,
            subject: 'account',
            keyOf: account,
          }),
        ]
      : []),
  ];
}
