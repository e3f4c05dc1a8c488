import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Pool as HttpPool } from 'undici';
import { createPool as createDbPool, type Pool } from '@playhead/store';
import { createPool } from './http.js';
import { metric } from './prometheus.js';
import { startService, type ServiceProcess, type SpawnOptions } from './services.js';
import { waitFor } from './time.js';

export interface BenchPipeline {
  readonly runId: string;
  readonly env: Record<string, string>;
  readonly ingest: ServiceProcess;
  readonly checkpointer: ServiceProcess;
  readonly projector: ServiceProcess;
  readonly resume: ServiceProcess;
  readonly db: Pool;
  readonly admin: Admin;
  /** Pools the phases share, so connections stay warm between them. */
  readonly ingestPool: HttpPool;
  readonly resumePool: HttpPool;
  /** Starts another resume API on these settings (e.g. with Redis unreachable). */
  startResume(label: string, overrides: Record<string, string>): Promise<ServiceProcess>;
  /** The projector has read every message and the checkpointer `expectedIn` of them. */
  waitForConsumers(expectedIn: number, timeoutMs: number): Promise<boolean>;
  /** Stops the services (each writes what waits, as on a deploy); the clients stay open. */
  stopServices(): Promise<void>;
  /** Closes the bench's own clients. */
  close(): Promise<void>;
}

/**
 * Starts the four services as child processes, so the load generator has its own event
 * loop: on a topic, consumer groups and Redis prefix of this run, with authentication and
 * rate limits off (the bench measures the pipeline, not the limiter).
 */
export async function startBenchPipeline(options: {
  runId: string;
  repoRoot: string;
  resultsDir: string;
  cpuProfile: boolean;
}): Promise<BenchPipeline> {
  const { runId } = options;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    CHECKPOINT_TOPIC: `bench.checkpoints.${runId}`,
    DEAD_LETTER_TOPIC: `bench.checkpoints.${runId}.dlq`,
    CHECKPOINTER_GROUP: `bench-checkpointer-${runId}`,
    PROJECTOR_GROUP: `bench-projector-${runId}`,
    REDIS_PREFIX: `b${runId}`,
    INGEST_PORT: '0',
    RESUME_PORT: '0',
    METRICS_PORT: '0',
    AUTH_DISABLED: 'true',
    RATE_LIMIT_PER_DEVICE: '0',
    RATE_LIMIT_PER_ACCOUNT: '0',
    LOG_LEVEL: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'info',
  };
  const spawnOptions: SpawnOptions = {
    repoRoot: options.repoRoot,
    logDir: path.join(options.resultsDir, 'logs'),
    ...(options.cpuProfile ? { cpuProfileDir: path.join(options.resultsDir, 'profiles') } : {}),
  };

  // The ingest API first: it creates the topics and registers the schema.
  const ingest = await startService('ingest-api', env, spawnOptions);
  const [checkpointer, projector, resume] = await Promise.all([
    startService('checkpointer', env, spawnOptions),
    startService('projector', env, spawnOptions),
    startService('resume-api', env, spawnOptions),
  ]);
  const extra: ServiceProcess[] = [];

  const kafka = new Kafka({
    clientId: 'playhead-bench',
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const db = createDbPool(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead', {
    max: 16,
  });

  const topic = env.CHECKPOINT_TOPIC!;
  const projectorCaughtUp = async () => {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({
      groupId: env.PROJECTOR_GROUP!,
      topics: [topic],
    });
    return ends.every((end) => {
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset;
      return end.high === '0' || at === end.high;
    });
  };

  const ingestPool = createPool(ingest.url, 128);
  const resumePool = createPool(resume.url, 64);

  return {
    runId,
    env,
    ingest,
    checkpointer,
    projector,
    resume,
    db,
    admin,
    ingestPool,
    resumePool,
    async startResume(label, overrides) {
      const service = await startService(
        'resume-api',
        { ...env, ...overrides },
        {
          ...spawnOptions,
          label,
        },
      );
      extra.push(service);
      return service;
    },
    async waitForConsumers(expectedIn, timeoutMs) {
      return waitFor(
        async () =>
          (await metric(checkpointer.url, 'checkpointer_checkpoints_in_total')) >= expectedIn &&
          (await projectorCaughtUp()),
        timeoutMs,
        250,
      );
    },
    async stopServices() {
      await Promise.allSettled([...extra, checkpointer, projector].map((s) => s.stop()));
      await Promise.allSettled([ingest.stop(), resume.stop()]);
    },
    async close() {
      await Promise.allSettled([ingestPool.close(), resumePool.close()]);
      await admin.disconnect();
      await db.end();
    },
  };
}
