import { commonSettings, loadConfig, z } from '@playhead/config';

/**
 * What the operator tools read from the environment: the same variables, with the same
 * defaults, as the services, so a shell set up for a service is set up for the tools.
 */
export const opsSettings = {
  ...commonSettings,
  REDIS_PREFIX: z.string().min(1).max(32).default('ph'),
  CHECKPOINTER_GROUP: z.string().min(1).default('playhead-checkpointer'),
  PROJECTOR_GROUP: z.string().min(1).default('playhead-projector'),
  // Quiet by default: a tool's output is its answer, not the client libraries' chatter.
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('error'),
};

export type OpsSettings = ReturnType<typeof loadOpsSettings>;

export function loadOpsSettings(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(opsSettings, env);
}
