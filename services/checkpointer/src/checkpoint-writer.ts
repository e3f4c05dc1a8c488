import {
  applyCheckpoint,
  decideWrite,
  isWriteDue,
  keyString,
  parseKeyString,
  type Checkpoint,
  type ResumeKey,
  type ResumeRules,
  type ResumeState,
} from '@playhead/domain';
import type { StoredEntry } from '@playhead/store';
import { KeyTable, type KeyEntry } from './key-table.js';
import { PendingOffsets } from './pending-offsets.js';

export interface WriterStore {
  /** Loads the stored states of keys; keys never written are absent. */
  load(keys: ResumeKey[]): Promise<StoredEntry[]>;
  /** Conditionally upserts states; returns the keys whose row changed. */
  write(entries: Array<{ key: ResumeKey; state: ResumeState }>): Promise<ResumeKey[]>;
}

export interface WriterStats {
  applied: number;
  stale: number;
  rowsWritten: number;
  rowsUnchanged: number;
}

export interface Positioned {
  readonly offset: bigint;
  readonly checkpoint: Checkpoint;
}

/**
 * Applies checkpoints to the keys of the partitions this instance owns and decides, by
 * the debounce rules, what reaches the database and when. It knows nothing of Kafka:
 * the consumer feeds it and commits what `committable` says.
 */
export class CheckpointWriter {
  readonly keys: KeyTable;
  readonly offsets = new PendingOffsets();
  readonly stats: WriterStats = { applied: 0, stale: 0, rowsWritten: 0, rowsUnchanged: 0 };
  /**
   * The keys the rules want written at once and not written yet. Kept apart so a fetched
   * batch writes them without a walk over every key held.
   */
  private readonly urgent = new Set<KeyEntry>();

  constructor(
    private readonly store: WriterStore,
    private readonly rules: ResumeRules,
    private readonly clock: () => number,
    options: { maxKeys: number; writeBatchSize: number },
  ) {
    this.keys = new KeyTable(options.maxKeys);
    this.writeBatchSize = options.writeBatchSize;
  }

  private readonly writeBatchSize: number;

  /**
   * Applies a partition's checkpoints in offset order and writes the keys the rules want
   * written at once. When the write fails, those keys stay waiting and urgent, so the
   * next attempt writes them; nothing applied is lost.
   */
  async apply(partition: number, items: Positioned[]): Promise<void> {
    await this.loadMissing(partition, items);

    for (const { offset, checkpoint } of items) {
      const id = keyString(checkpoint);
      const entry = this.keys.get(id);
      if (!entry) throw new Error(`key ${id} was not loaded`);
      const prev = entry.state.updatedAt > 0 ? entry.state : null;
      const applied = applyCheckpoint(prev, checkpoint, this.rules);
      const decision = decideWrite(prev, applied, checkpoint.event, entry.lastWrite, this.rules);
      this.offsets.markProcessed(partition, offset);
      if (decision === 'skip') {
        this.stats.stale += 1;
        continue;
      }
      this.stats.applied += 1;
      entry.state = applied.state;
      if (entry.pendingOffset === null) {
        entry.pendingOffset = offset;
        // The entry's own id string, not this checkpoint's copy: one string per key held.
        this.offsets.markPending(partition, entry.id, offset);
      }
      if (decision === 'now') {
        entry.urgent = true;
        this.urgent.add(entry);
      }
    }

    await this.writeAll([...this.urgent].filter((entry) => entry.pendingOffset !== null));
  }

  /** Writes waiting keys whose timer ran out, and urgent ones a failed write left. */
  async flushDue(): Promise<number> {
    const now = this.clock();
    return this.flush((entry) => entry.urgent || isWriteDue(entry.lastWrite, now, this.rules));
  }

  /** Writes every waiting key, as on shutdown. */
  async flushAll(): Promise<number> {
    return this.flush(() => true);
  }

  committable(partition: number): bigint | null {
    return this.offsets.committable(partition);
  }

  /** Forgets partitions this instance no longer owns; their new owner replays them. */
  dropPartitions(partitions: ReadonlySet<number>): void {
    this.keys.dropPartitions(partitions);
    this.offsets.dropPartitions(partitions);
    for (const entry of this.urgent) {
      if (partitions.has(entry.partition)) this.urgent.delete(entry);
    }
  }

  private async loadMissing(partition: number, items: Positioned[]): Promise<void> {
    const missing = new Map<string, ResumeKey>();
    for (const { checkpoint } of items) {
      const id = keyString(checkpoint);
      if (!missing.has(id) && !this.keys.get(id)) {
        missing.set(id, {
          accountId: checkpoint.accountId,
          profileId: checkpoint.profileId,
          videoId: checkpoint.videoId,
        });
      }
    }
    if (missing.size === 0) return;

    const stored = new Map<string, StoredEntry>();
    for (const entry of await this.store.load([...missing.values()])) {
      stored.set(keyString(entry.key), entry);
    }
    for (const id of missing.keys()) {
      const found = stored.get(id);
      this.keys.set({
        id,
        partition,
        state: found?.state ?? EMPTY_STATE,
        lastWrite: found
          ? { positionSeconds: found.state.positionSeconds, at: found.state.updatedAt }
          : null,
        pendingOffset: null,
        urgent: false,
      });
    }
  }

  private async flush(select: (entry: KeyEntry) => boolean): Promise<number> {
    const chosen: KeyEntry[] = [];
    for (const entry of this.keys.values()) {
      if (entry.pendingOffset !== null && select(entry)) chosen.push(entry);
    }
    return this.writeAll(chosen);
  }

  private async writeAll(chosen: KeyEntry[]): Promise<number> {
    let written = 0;
    for (let i = 0; i < chosen.length; i += this.writeBatchSize) {
      written += await this.writeEntries(chosen.slice(i, i + this.writeBatchSize));
    }
    return written;
  }

  private async writeEntries(batch: KeyEntry[]): Promise<number> {
    // Snapshot what is written: a checkpoint applied while the write is in flight must
    // keep its key waiting.
    const snapshot = batch.map((entry) => ({ entry, state: entry.state }));
    const changed = await this.store.write(
      snapshot.map((s) => ({ key: parseKeyString(s.entry.id)!, state: s.state })),
    );
    const changedIds = new Set(changed.map(keyString));
    const now = this.clock();

    for (const { entry, state } of snapshot) {
      const id = entry.id;
      if (!changedIds.has(id)) {
        // The database already held something as new or newer (another owner wrote it
        // during a rebalance): forget the key so the next checkpoint reloads it.
        this.stats.rowsUnchanged += 1;
        this.offsets.markWritten(entry.partition, id);
        this.keys.delete(id);
        this.urgent.delete(entry);
        continue;
      }
      this.stats.rowsWritten += 1;
      entry.lastWrite = { positionSeconds: state.positionSeconds, at: now };
      if (entry.state === state) {
        entry.pendingOffset = null;
        entry.urgent = false;
        this.urgent.delete(entry);
        this.offsets.markWritten(entry.partition, id);
      }
    }
    return changed.length;
  }
}

/** Stands for "nothing known yet" in a key's entry; `updatedAt` 0 marks it. */
const EMPTY_STATE: ResumeState = Object.freeze({
  positionSeconds: 0,
  updatedAt: 0,
  deviceId: '',
  durationSeconds: null,
  completed: false,
  movedAt: 0,
  held: null,
});
