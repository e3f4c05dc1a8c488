import type { Kafka } from 'kafkajs';
import type { Logger } from '@playhead/logger';
import { createKafka, ensureTopics, type TopicSpec } from './kafka.js';

/** The topics of the pipeline, from a service's settings. */
export function pipelineTopics(settings: {
  CHECKPOINT_TOPIC: string;
  DEAD_LETTER_TOPIC: string;
  TOPIC_PARTITIONS: number;
  TOPIC_REPLICATION_FACTOR: number;
  TOPIC_RETENTION_MS: number;
}): TopicSpec[] {
  const common = {
    replicationFactor: settings.TOPIC_REPLICATION_FACTOR,
    retentionMs: settings.TOPIC_RETENTION_MS,
  };
  return [
    { topic: settings.CHECKPOINT_TOPIC, partitions: settings.TOPIC_PARTITIONS, ...common },
    { topic: settings.DEAD_LETTER_TOPIC, partitions: 1, ...common },
  ];
}

/**
 * A Kafka client for a service of the pipeline, with the pipeline's topics created first
 * when they are missing: the application owns its topics, the broker never auto-creates.
 */
export async function connectPipelineKafka(
  clientId: string,
  settings: Parameters<typeof pipelineTopics>[0] & { KAFKA_BROKERS: string[] },
  logger: Logger,
): Promise<Kafka> {
  const kafka = createKafka({ clientId, brokers: settings.KAFKA_BROKERS, logger });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, pipelineTopics(settings));
  } finally {
    await admin.disconnect();
  }
  return kafka;
}
