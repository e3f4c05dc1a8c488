import type { Batch } from 'kafkajs';
import { prom } from '@playhead/http';
import type { CheckpointWriter } from './checkpoint-writer.js';

export type CheckpointerMetrics = ReturnType<typeof createCheckpointerMetrics>;

export function createCheckpointerMetrics(registry: prom.Registry) {
  const registers = [registry];
  const rowsWritten = new prom.Counter({
    name: 'checkpointer_db_rows_written_total',
    help: 'Rows the conditional upsert changed in PostgreSQL.',
    registers,
  });
  const keysWaiting = new prom.Gauge({
    name: 'checkpointer_keys_waiting',
    help: 'Keys with an applied checkpoint not yet written to PostgreSQL.',
    registers,
  });
  const keysHeld = new prom.Gauge({
    name: 'checkpointer_keys_held',
    help: 'Keys held in memory.',
    registers,
  });
  const lag = new prom.Gauge({
    name: 'consumer_lag_messages',
    help: 'Messages between the committed offset and the end of the partition.',
    labelNames: ['group', 'partition'],
    registers,
  });
  let lastWritten = 0;

  return {
    checkpointsIn: new prom.Counter({
      name: 'checkpointer_checkpoints_in_total',
      help: 'Checkpoints read from Kafka and decoded.',
      registers,
    }),
    writeFailures: new prom.Counter({
      name: 'checkpointer_db_write_failures_total',
      help: 'Failed database writes; each is retried.',
      registers,
    }),
    deadLetters: new prom.Counter({
      name: 'dead_letters_total',
      help: 'Messages sent to the dead-letter topic.',
      labelNames: [],
      registers,
    }),
    rowsWritten,
    /** Brings the gauges up to date after a batch. */
    observe(
      writer: CheckpointWriter,
      batch: Batch,
      committed: Map<number, bigint>,
      group?: string,
    ) {
      rowsWritten.inc(writer.stats.rowsWritten - lastWritten);
      lastWritten = writer.stats.rowsWritten;
      keysWaiting.set(writer.offsets.waiting());
      keysHeld.set(writer.keys.size);
      const end = BigInt(batch.highWatermark);
      const at = committed.get(batch.partition) ?? BigInt(batch.lastOffset()) + 1n;
      lag.set(
        { group: group ?? 'checkpointer', partition: String(batch.partition) },
        Number(end - at),
      );
    },
  };
}
