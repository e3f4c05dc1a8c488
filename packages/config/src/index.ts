import { z } from 'zod';
import { ruleSettings } from './rules.js';

export { resolveRules, ruleSettings } from './rules.js';

export { z } from 'zod';

/** Settings every service shares, with their defaults: the local stack of `npm run stack:up`. */
export const commonSettings = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/playhead'),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  CHECKPOINT_TOPIC: z.string().min(1).default('playback.checkpoints.v1'),
  DEAD_LETTER_TOPIC: z.string().min(1).default('playback.checkpoints.v1.dlq'),
  TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(10_000).default(12),
  TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
  TOPIC_RETENTION_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(7 * 24 * 3600 * 1000),
  ...ruleSettings,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a service's settings once from the environment, validates them against its
 * schema and freezes the result. An error names every variable that is wrong.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(problems);
  }
  return Object.freeze(result.data);
}
