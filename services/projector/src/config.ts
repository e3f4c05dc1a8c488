import { commonSettings, loadConfig, z } from '@playhead/config';

export const projectorSettings = {
  ...commonSettings,
  PROJECTOR_GROUP: z.string().min(1).default('playhead-projector'),
  /**
   * How long the group waits for a silent member (a crashed process) before its partitions
   * go to the others. Shorter moves work sooner after a crash; it must exceed the longest
   * pause between heartbeats. The broker accepts 6000 to 1800000 by default.
   */
  CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(1_800_000).default(30_000),
  /**
   * Partitions whose batches are projected at the same time. Each batch waits on Redis and
   * on its offset commit; one partition at a time, those waits add up over the partitions
   * and a checkpoint waits for every partition fetched before its own. Keys never span
   * partitions, so their order is kept whatever the number.
   */
  PARTITIONS_CONSUMED_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(4),
  REDIS_PREFIX: z.string().min(1).max(32).default('ph'),
  /** Longest wait for one Redis command before the batch is retried. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
};

export type ProjectorConfig = ReturnType<typeof loadProjectorConfig>;

export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(projectorSettings, env);
}
