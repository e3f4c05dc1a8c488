import { commonSettings, loadConfig, z } from '@playhead/config';
import { authSettings } from '@playhead/http';

export const ingestSettings = {
  ...commonSettings,
  ...authSettings,
  INGEST_HOST: z.string().default('127.0.0.1'),
  INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Longest wait for Kafka to take an event before answering 503. */
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** How long the publisher gathers events into one produce request. */
  PUBLISH_LINGER_MS: z.coerce.number().int().min(0).max(100).default(2),
  /**
   * Produce requests outstanding at once. Events arriving meanwhile gather into the next
   * request, so batches grow with the load; more in flight gives smaller batches.
   */
  PUBLISH_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(2),
  MAX_BATCH_CHECKPOINTS: z.coerce.number().int().min(1).max(5000).default(500),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10_000_000)
    .default(512 * 1024),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Requests per device per window; 0 switches the limit off. */
  RATE_LIMIT_PER_DEVICE: z.coerce.number().int().min(0).default(120),
  /** Requests per account per window, all devices together; 0 switches it off. */
  RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(0).default(1200),
  REDIS_PREFIX: z.string().min(1).max(32).default('ph'),
};

export type IngestConfig = ReturnType<typeof loadIngestConfig>;

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(ingestSettings, env);
}
