import { commonSettings, loadConfig, z } from '@playhead/config';

export const projectorSettings = {
  ...commonSettings,
  PROJECTOR_GROUP: z.string().min(1).default('playhead-projector'),
  REDIS_PREFIX: z.string().min(1).max(32).default('ph'),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
};

export type ProjectorConfig = ReturnType<typeof loadProjectorConfig>;

export function loadProjectorConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(projectorSettings, env);
}
