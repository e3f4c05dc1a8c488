import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import type { Logger } from '@playhead/logger';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go to the service's structured logger. */
export function createKafka(options: {
  clientId: string;
  brokers: string[];
  logger: Logger;
}): Kafka {
  const kafkaLogger = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...fields } = log;
        kafkaLogger[LEVELS[level] ?? 'info'](fields, message);
      },
  });
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  retentionMs: number;
}

/**
 * Creates the topics the system owns when they are missing. The broker never
 * auto-creates them, so partition count and retention always come from configuration.
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: [{ name: 'retention.ms', value: String(s.retentionMs) }],
      })),
    });
  } catch (error) {
    // Another instance may have created it between the list and the create.
    const after = new Set(await admin.listTopics());
    if (missing.some((s) => !after.has(s.topic))) throw error;
  }
}
