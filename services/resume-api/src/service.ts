import { resolveRules } from '@playhead/config';
import { closeServer, createRegistry, createVerifier, listen } from '@playhead/http';
import type { Logger } from '@playhead/logger';
import { createPool, createRedis, defineScripts } from '@playhead/store';
import { createResumeApp } from './app.js';
import type { ResumeConfig } from './config.js';
import { Hider } from './hide.js';
import { ResumeReader } from './resume-reader.js';

export interface RunningResume {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startResume(config: ResumeConfig, logger: Logger): Promise<RunningResume> {
  const verifier = createVerifier(config);
  if (verifier === null) logger.warn('authentication is switched off (AUTH_DISABLED)');
  const db = createPool(config.DATABASE_URL, {
    max: 20,
    connectionTimeoutMillis: config.DATABASE_TIMEOUT_MS,
  });
  db.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
  defineScripts(redis);

  const rules = resolveRules(config);
  const options = {
    prefix: config.REDIS_PREFIX,
    redisTimeoutMs: config.REDIS_TIMEOUT_MS,
    dbTimeoutMs: config.DATABASE_TIMEOUT_MS,
    rules,
  };
  const registry = createRegistry('resume-api');
  const reader = new ResumeReader(
    redis,
    db,
    options,
    registry,
    logger.child({ component: 'reader' }),
  );
  const hider = new Hider(redis, db, options, logger.child({ component: 'hider' }));
  const app = createResumeApp({
    reader,
    hider,
    rules,
    registry,
    logger,
    verifier,
    readiness: {
      postgres: async () => {
        await db.query('SELECT 1');
      },
      redis: async () => {
        await redis.ping();
      },
    },
  });
  const { server, url } = await listen(app, config.RESUME_HOST, config.RESUME_PORT, logger);

  return {
    url,
    async stop() {
      await closeServer(server, 5000);
      redis.disconnect();
      await db.end();
    },
  };
}
