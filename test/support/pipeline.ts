import { randomBytes } from 'node:crypto';
import { createLogger } from '@playhead/logger';
import { loadCheckpointerConfig } from '../../services/checkpointer/src/config.js';
import {
  startCheckpointer,
  type RunningCheckpointer,
} from '../../services/checkpointer/src/service.js';
import { loadIngestConfig } from '../../services/ingest-api/src/config.js';
import { startIngest, type RunningIngest } from '../../services/ingest-api/src/service.js';
import { loadProjectorConfig } from '../../services/projector/src/config.js';
import { startProjector, type RunningProjector } from '../../services/projector/src/service.js';
import { loadResumeConfig } from '../../services/resume-api/src/config.js';
import { startResume, type RunningResume } from '../../services/resume-api/src/service.js';

export interface Pipeline {
  readonly env: Record<string, string>;
  readonly ingest: RunningIngest;
  readonly checkpointer: RunningCheckpointer;
  readonly projector: RunningProjector;
  readonly resume: RunningResume;
  stop(): Promise<void>;
}

/**
 * The settings of a test's own pipeline: a fresh topic, consumer groups and Redis prefix
 * over the environment, with `overrides` on top. Services started in the test process and
 * as child processes share them.
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const run = randomBytes(4).toString('hex');
  return {
    ...(process.env as Record<string, string>),
    CHECKPOINT_TOPIC: `test.checkpoints.${run}`,
    DEAD_LETTER_TOPIC: `test.checkpoints.${run}.dlq`,
    TOPIC_PARTITIONS: '4',
    CHECKPOINTER_GROUP: `test-checkpointer-${run}`,
    PROJECTOR_GROUP: `test-projector-${run}`,
    REDIS_PREFIX: `t${run}`,
    INGEST_PORT: '0',
    RESUME_PORT: '0',
    METRICS_PORT: '0',
    FLUSH_INTERVAL_MS: '200',
    // Suites that test auth and limits turn them on with `withAuth()` and overrides.
    AUTH_DISABLED: 'true',
    RATE_LIMIT_PER_DEVICE: '0',
    RATE_LIMIT_PER_ACCOUNT: '0',
    ...overrides,
  };
}

/**
 * Starts the four services in this process against the real stack, on a topic, consumer
 * groups and Redis prefix of their own, so suites never see each other's data.
 */
export async function startPipeline(overrides: Record<string, string> = {}): Promise<Pipeline> {
  const env = testEnv(overrides);
  const logger = createLogger('test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const ingest = await startIngest(loadIngestConfig(env), logger.child({ service: 'ingest-api' }));
  const [checkpointer, projector, resume] = await Promise.all([
    startCheckpointer(loadCheckpointerConfig(env), logger.child({ service: 'checkpointer' })),
    startProjector(loadProjectorConfig(env), logger.child({ service: 'projector' })),
    startResume(loadResumeConfig(env), logger.child({ service: 'resume-api' })),
  ]);
  return {
    env,
    ingest,
    checkpointer,
    projector,
    resume,
    async stop(this: Pipeline) {
      // The members, not the first instances: a test may have replaced a service.
      await Promise.allSettled([this.checkpointer.stop(), this.projector.stop()]);
      await Promise.allSettled([this.ingest.stop(), this.resume.stop()]);
    },
  };
}

/** Settings that switch HS256 bearer tokens on, with a fresh secret. */
export function withAuth(): Record<string, string> {
  return {
    AUTH_DISABLED: 'false',
    AUTH_HS256_SECRET: randomBytes(32).toString('base64url'),
    AUTH_ISSUER: 'https://id.test.playhead',
    AUTH_AUDIENCE: 'playhead-test',
  };
}

/** A token signed with the pipeline's secret, valid for an hour unless claims say otherwise. */
export async function tokenFor(
  env: Record<string, string>,
  accountId: string,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const { SignJWT } = await import('jose');
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(accountId)
    .setIssuer(env.AUTH_ISSUER!)
    .setAudience(env.AUTH_AUDIENCE!)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(env.AUTH_HS256_SECRET!));
}

/** A fresh id for a test's account, so stories never share keys. */
export function freshId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Polls until `check` returns without throwing, or rethrows its last error at the deadline. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

export async function postJson(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function getJson(url: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * Waits until both consumer groups have committed the end of every partition, writing the
 * checkpointer's waiting keys at once instead of after the debounce timer.
 */
export async function drain(pipeline: Pipeline, timeoutMs = 15_000): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({
    brokers: pipeline.env.KAFKA_BROKERS?.split(',') ?? ['127.0.0.1:9092'],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = pipeline.env.CHECKPOINT_TOPIC!;
    await eventually(
      async () => {
        await pipeline.checkpointer.flushAll();
        const ends = await admin.fetchTopicOffsets(topic);
        for (const groupId of [pipeline.env.CHECKPOINTER_GROUP!, pipeline.env.PROJECTOR_GROUP!]) {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          for (const end of ends) {
            const at =
              committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            const expected = end.high;
            if (end.high !== '0' && at !== expected) {
              throw new Error(`${groupId} partition ${end.partition} at ${at}, end ${expected}`);
            }
          }
        }
      },
      timeoutMs,
      100,
    );
  } finally {
    await admin.disconnect();
  }
}
