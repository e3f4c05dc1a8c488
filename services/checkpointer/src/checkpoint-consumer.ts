import { Mutex } from 'async-mutex';
import {
  Partitioners,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type Producer,
} from 'kafkajs';
import {
  decodeBatch,
  retryWithBackoff,
  runSupervised,
  type CheckpointCodec,
} from '@playhead/events';
import type { Logger } from '@playhead/logger';
import type { CheckpointWriter } from './checkpoint-writer.js';
import type { CheckpointerMetrics } from './metrics.js';

export interface ConsumerOptions {
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  flushIntervalMs: number;
  sessionTimeoutMs: number;
}

/**
 * The checkpointer's Kafka side: feeds each fetched batch to the writer, commits each
 * partition only up to its oldest unwritten checkpoint, runs the 60-second timer, and
 * sends poison messages to the dead-letter topic.
 */
export class CheckpointConsumer {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  /** The writer's state is touched by fetched batches and by the timer, one at a time. */
  private readonly lock = new Mutex();
  private readonly committed = new Map<number, bigint>();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  /** Ends the wait of a retry at once when the service stops. */
  private readonly stopSignal = new AbortController();

  constructor(
    kafka: Kafka,
    private readonly codec: CheckpointCodec,
    private readonly writer: CheckpointWriter,
    private readonly options: ConsumerOptions,
    private readonly metrics: CheckpointerMetrics,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(options.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: 250,
    });
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    this.watchAssignments();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await runSupervised(
      this.consumer,
      {
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(payload),
      },
      { stopping: () => this.stopping, logger: this.logger },
    );
    this.timer = setInterval(() => void this.onTimer(), this.options.flushIntervalMs);
  }

  /** Writes every waiting checkpoint now and commits, without stopping. */
  async flushAll(): Promise<void> {
    await this.lock.runExclusive(async () => {
      await this.writer.flushAll();
      await this.commit();
    });
  }

  /** Stops taking work, writes every waiting checkpoint, commits, and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    if (this.timer) clearInterval(this.timer);
    this.consumer.pause([{ topic: this.options.topic }]);
    await this.lock.runExclusive(async () => {
      try {
        await this.writer.flushAll();
        await this.commit();
      } catch (error) {
        // Uncommitted checkpoints are replayed by the next owner: nothing is lost.
        this.logger.warn({ err: error }, 'final write failed; the next owner replays it');
      }
    });
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (batch.messages.length === 0) return;
    const log = this.logger.child({ topic: batch.topic, partition: batch.partition });
    // A stop gives up a retry at its next attempt, so shutdown stays bounded while a store
    // is down; what was not written stays uncommitted, and is replayed.
    const shouldStop = () => this.stopping || !isRunning() || isStale();

    const { items, deadLettered } = await decodeBatch({
      batch,
      codec: this.codec,
      producer: this.producer,
      deadLetterTopic: this.options.deadLetterTopic,
      groupId: this.options.groupId,
      heartbeat,
      shouldStop,
      signal: this.stopSignal.signal,
      logger: log,
      onDeadLetter: () => this.metrics.deadLetters.inc(),
    });
    this.metrics.checkpointsIn.inc(items.length);

    await this.lock.runExclusive(async () => {
      await retryWithBackoff(() => this.writer.apply(batch.partition, items), {
        shouldStop,
        onRetry: (error, delay) => {
          this.metrics.writeFailures.inc();
          log.warn({ err: error, delay }, 'database write failed; retrying');
        },
        heartbeat,
        signal: this.stopSignal.signal,
      });
      // A dead letter counts as processed, so its offset may be committed past, but only
      // once the checkpoints before it are applied: marked earlier, a commit by the timer
      // in between could skip checkpoints not yet in memory.
      for (const offset of deadLettered) this.writer.offsets.markProcessed(batch.partition, offset);
    });
    // With `items` applied a retry of apply() sees them as stale: nothing twice.
    resolveOffset(batch.lastOffset());
    await heartbeat();
    await this.commit();
    this.metrics.observe(this.writer, batch, this.committed);
  }

  private async onTimer(): Promise<void> {
    if (this.stopping || this.lock.isLocked()) return;
    await this.lock.runExclusive(async () => {
      try {
        const written = await this.writer.flushDue();
        if (written > 0) await this.commit();
      } catch (error) {
        this.metrics.writeFailures.inc();
        this.logger.debug({ err: error }, 'timed write failed; next tick retries');
      }
    });
  }

  private async commit(): Promise<void> {
    const offsets = [];
    for (const partition of this.writer.offsets.assignedPartitions()) {
      const offset = this.writer.committable(partition);
      if (offset === null || this.committed.get(partition) === offset) continue;
      offsets.push({ topic: this.options.topic, partition, offset: offset.toString() });
    }
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(offsets);
    for (const o of offsets) this.committed.set(o.partition, BigInt(o.offset));
  }

  /** Forgets partitions taken away by a rebalance; their new owner replays them. */
  private watchAssignments(): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(payload.memberAssignment[this.options.topic] ?? []);
      const lost = new Set(
        this.writer.offsets.assignedPartitions().filter((p) => !assigned.has(p)),
      );
      if (lost.size > 0) {
        void this.lock.runExclusive(() => {
          this.writer.dropPartitions(lost);
          for (const p of lost) this.committed.delete(p);
        });
      }
      this.logger.info({ assigned: [...assigned], lost: [...lost] }, 'partitions assigned');
    });
  }
}
