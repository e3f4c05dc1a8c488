import { commonSettings, loadConfig, z } from '@playhead/config';
import { authSettings } from '@playhead/http';

export const resumeSettings = {
  ...commonSettings,
  ...authSettings,
  RESUME_HOST: z.string().default('127.0.0.1'),
  RESUME_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  REDIS_PREFIX: z.string().min(1).max(32).default('ph'),
  /** Longest wait for Redis before PostgreSQL answers alone. */
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(5000).default(50),
  /** Longest wait for PostgreSQL before answering 503. */
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(1000),
};

export type ResumeConfig = ReturnType<typeof loadResumeConfig>;

export function loadResumeConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(resumeSettings, env);
}
