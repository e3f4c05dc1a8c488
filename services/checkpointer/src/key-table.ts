import type { LastWrite, ResumeState } from '@playhead/domain';

/**
 * What the checkpointer holds for one key between database writes. A million of these
 * can be held, so the key is kept once, as its id (`account#profile#video`, see
 * keyString), and parsed back only when the key is written.
 */
export interface KeyEntry {
  readonly id: string;
  readonly partition: number;
  state: ResumeState;
  /** What the database last received; null for a key it has never seen. */
  lastWrite: LastWrite | null;
  /** Offset of the oldest applied checkpoint not yet in the database, or null. */
  pendingOffset: bigint | null;
  /** The rules asked for a write at once and it has not happened yet. */
  urgent: boolean;
}

/**
 * The keys held in memory, least recently used first. Keys with a checkpoint waiting are
 * never forgotten; the others can be, since the database holds exactly their state.
 */
export class KeyTable {
  private readonly entries = new Map<string, KeyEntry>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): KeyEntry | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      // Re-insert to mark as most recently used, under the entry's own id: `id` is the
      // caller's copy, and keeping it would hold the key's text twice.
      this.entries.delete(id);
      this.entries.set(entry.id, entry);
    }
    return entry;
  }

  set(entry: KeyEntry): void {
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
    if (this.entries.size > this.maxKeys) this.evict(this.entries.size - this.maxKeys);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  /** Forgets every key of the given partitions, waiting or not. */
  dropPartitions(partitions: ReadonlySet<number>): number {
    let dropped = 0;
    for (const [id, entry] of this.entries) {
      if (partitions.has(entry.partition)) {
        this.entries.delete(id);
        dropped += 1;
      }
    }
    return dropped;
  }

  values(): IterableIterator<KeyEntry> {
    return this.entries.values();
  }

  private evict(count: number): void {
    let left = count;
    for (const [id, entry] of this.entries) {
      if (left === 0) break;
      if (entry.pendingOffset === null) {
        this.entries.delete(id);
        left -= 1;
      }
    }
  }
}
