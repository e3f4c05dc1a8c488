import type { TopicSpec } from './kafka.js';

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
