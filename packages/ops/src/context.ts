import { Kafka, logLevel, type Admin } from 'kafkajs';
import { CheckpointCodec } from '@playhead/events';
import { createPool, createRedis, defineScripts, type Pool, type Redis } from '@playhead/store';
import type { OpsSettings } from './settings.js';

// Errors reach the operator as the command's own message; the client's logs only when
// LOG_LEVEL asks for warnings or more.
const KAFKA_LOG_LEVELS: Record<string, logLevel> = {
  fatal: logLevel.NOTHING,
  error: logLevel.NOTHING,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
  trace: logLevel.DEBUG,
  silent: logLevel.NOTHING,
};

/**
 * The connections a command needs, each opened on first use and all closed by `close()`,
 * so `playhead offsets` never needs PostgreSQL and `playhead retention` never needs Kafka.
 */
export class OpsContext {
  private kafkaClient: Kafka | null = null;
  private adminClient: Admin | null = null;
  private pool: Pool | null = null;
  private redisClient: Redis | null = null;
  private codecInstance: CheckpointCodec | null = null;

  constructor(readonly settings: OpsSettings) {}

  kafka(): Kafka {
    this.kafkaClient ??= new Kafka({
      clientId: 'playhead-ops',
      brokers: this.settings.KAFKA_BROKERS,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      // An operator waits at the terminal: fail in seconds, not after minutes of retries.
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
      logLevel: KAFKA_LOG_LEVELS[this.settings.LOG_LEVEL] ?? logLevel.NOTHING,
    });
    return this.kafkaClient;
  }

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka().admin();
      await admin.connect();
      this.adminClient = admin;
    }
    return this.adminClient;
  }

  db(): Pool {
    this.pool ??= createPool(this.settings.DATABASE_URL, { max: 4 });
    return this.pool;
  }

  redis(): Redis {
    if (!this.redisClient) {
      // Commands queue while connecting: a tool run starts before the socket is up.
      const redis = createRedis(this.settings.REDIS_URL, {
        enableOfflineQueue: true,
        maxRetriesPerRequest: 3,
      });
      redis.on('error', () => undefined);
      defineScripts(redis);
      this.redisClient = redis;
    }
    return this.redisClient;
  }

  codec(): CheckpointCodec {
    this.codecInstance ??= CheckpointCodec.forDecoding(this.settings.SCHEMA_REGISTRY_URL);
    return this.codecInstance;
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      this.adminClient?.disconnect(),
      this.pool?.end(),
      this.redisClient?.quit(),
    ]);
    this.adminClient = null;
    this.pool = null;
    this.redisClient = null;
  }
}
