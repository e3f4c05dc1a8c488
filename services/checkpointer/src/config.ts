import { commonSettings, loadConfig, z } from '@playhead/config';

export const checkpointerSettings = {
  ...commonSettings,
  CHECKPOINTER_GROUP: z.string().min(1).default('playhead-checkpointer'),
  /**
   * How long the group waits for a silent member (a crashed process) before its partitions
   * go to the others. Shorter moves work sooner after a crash; it must exceed the longest
   * pause between heartbeats. The broker accepts 6000 to 1800000 by default.
   */
  CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(1_800_000).default(30_000),
  /** How often the timer looks for waiting checkpoints that are due. */
  FLUSH_INTERVAL_MS: z.coerce.number().int().min(50).max(10_000).default(1000),
  /** Keys held in memory; beyond this, keys with nothing waiting are forgotten first. */
  MAX_KEYS_HELD: z.coerce.number().int().min(1000).default(2_000_000),
  /** Most rows in one upsert statement. */
  WRITE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Time between retention runs, which delete entries untouched too long; 0: none. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).max(2_147_483_647).default(3_600_000),
  /**
   * Entries untouched for longer than this many days are deleted from PostgreSQL.
   * Unset: the rules' retention (RULE_RETENTION_DAYS, 180 by default), as Redis expiry.
   */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  /** Rows per retention DELETE. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
};

export type CheckpointerConfig = ReturnType<typeof loadCheckpointerConfig>;

export function loadCheckpointerConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(checkpointerSettings, env);
}
