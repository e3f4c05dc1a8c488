import type { Batch } from 'kafkajs';
import { consumerMetrics, prom } from '@playhead/http';
import type { CheckpointWriter } from './checkpoint-writer.js';

export type CheckpointerMetrics = ReturnType<typeof createCheckpointerMetrics>;

export function createCheckpointerMetrics(registry: prom.Registry, group = 'checkpointer') {
  const registers = [registry];
  // Most database writes happen on the timer, between batches: the writer's counts are
  // read again at each scrape so the series never wait for the next batch.
  let tracked: CheckpointWriter | null = null;
  let lastWritten = 0;
  const sync = () => {
    if (tracked === null) return;
    rowsWritten.inc(tracked.stats.rowsWritten - lastWritten);
    lastWritten = tracked.stats.rowsWritten;
    keysWaiting.set(tracked.offsets.waiting());
    keysHeld.set(tracked.keys.size);
  };
  const rowsWritten: prom.Counter = new prom.Counter({
    name: 'checkpointer_db_rows_written_total',
    help: 'Rows the conditional upsert changed in PostgreSQL.',
    registers,
    collect: sync,
  });
  const keysWaiting: prom.Gauge = new prom.Gauge({
    name: 'checkpointer_keys_waiting',
    help: 'Keys with an applied checkpoint not yet written to PostgreSQL.',
    registers,
    collect: sync,
  });
  const keysHeld: prom.Gauge = new prom.Gauge({
    name: 'checkpointer_keys_held',
    help: 'Keys held in memory.',
    registers,
    collect: sync,
  });
  const { lag, deadLetters } = consumerMetrics(registry);

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
    deadLetters,
    rowsWritten,
    /** Reads the writer's counts at every scrape, not only after batches. */
    track(writer: CheckpointWriter) {
      tracked = writer;
    },
    /** Brings the gauges up to date after a batch. */
    observe(
      writer: CheckpointWriter,
      batch: Batch,
      committed: Map<number, bigint>,
      groupId?: string,
    ) {
      tracked = writer;
      sync();
      const end = BigInt(batch.highWatermark);
      const at = committed.get(batch.partition) ?? BigInt(batch.lastOffset()) + 1n;
      lag.set({ group: groupId ?? group, partition: String(batch.partition) }, Number(end - at));
    },
  };
}
