import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type Producer,
} from 'kafkajs';
import type { Checkpoint, ResumeRules } from '@playhead/domain';
import {
  decodeBatch,
  retryWithBackoff,
  runSupervised,
  type CheckpointCodec,
} from '@playhead/events';
import { consumerMetrics, prom } from '@playhead/http';
import type { Logger } from '@playhead/logger';
import { project, type ProjectionStats, type ProjectionStore } from './projection.js';

export interface ProjectorOptions {
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  sessionTimeoutMs: number;
  partitionsConsumedConcurrently: number;
}

/** The projector's consumer group: every accepted checkpoint reaches Redis. */
export class ProjectorConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  readonly stats: ProjectionStats = { applied: 0, written: 0, conflicts: 0 };
  private stopping = false;
  private readonly metrics;

  constructor(
    kafka: Kafka,
    private readonly codec: CheckpointCodec,
    private readonly store: ProjectionStore,
    private readonly rules: ResumeRules,
    private readonly options: ProjectorOptions,
    registry: prom.Registry,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(options.sessionTimeoutMs / 3)),
    });
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const registers = [registry];
    this.metrics = {
      checkpointsIn: new prom.Counter({
        name: 'projector_checkpoints_in_total',
        help: 'Checkpoints read from Kafka and decoded.',
        registers,
      }),
      redisWrites: new prom.Counter({
        name: 'projector_redis_writes_total',
        help: 'Entries written to Redis.',
        registers,
      }),
      failures: new prom.Counter({
        name: 'projector_redis_failures_total',
        help: 'Failed Redis round trips; each is retried.',
        registers,
      }),
      ...consumerMetrics(registry),
    };
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await runSupervised(
      this.consumer,
      {
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.onBatch(payload),
      },
      { stopping: () => this.stopping, logger: this.logger },
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // disconnect() lets the batch in progress finish; its offsets are committed by it.
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const log = this.logger.child({ topic: batch.topic, partition: batch.partition });
    const shouldStop = () => !isRunning() || isStale();

    const decoded = await decodeBatch({
      batch,
      codec: this.codec,
      producer: this.producer,
      deadLetterTopic: this.options.deadLetterTopic,
      groupId: this.options.groupId,
      heartbeat,
      shouldStop,
      logger: log,
      onDeadLetter: () => this.metrics.deadLetters.inc(),
    });
    const checkpoints: Checkpoint[] = decoded.items.map((i) => i.checkpoint);
    this.metrics.checkpointsIn.inc(checkpoints.length);

    // Counted per batch: batches of other partitions are being projected meanwhile.
    const counts: ProjectionStats = { applied: 0, written: 0, conflicts: 0 };
    await retryWithBackoff(() => project(this.store, checkpoints, this.rules, counts), {
      shouldStop,
      onRetry: (error, delay) => {
        this.metrics.failures.inc();
        log.warn({ err: error, delay }, 'Redis write failed; retrying');
      },
      heartbeat,
      maxMs: 5000,
    });
    this.stats.applied += counts.applied;
    this.stats.written += counts.written;
    this.stats.conflicts += counts.conflicts;
    this.metrics.redisWrites.inc(counts.written);

    resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    await this.consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: next },
    ]);
    await heartbeat();
    this.metrics.lag.set(
      { group: this.options.groupId, partition: String(batch.partition) },
      Number(BigInt(batch.highWatermark) - BigInt(next)),
    );
  }
}
