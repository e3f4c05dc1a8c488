/**
 * Per partition, the offset of the oldest checkpoint of each key not yet written. A
 * partition's offset is committed only up to the oldest of them, so a crash replays what
 * was waiting instead of losing it.
 *
 * Within a partition offsets only grow, so the first key in insertion order always holds
 * the smallest offset: the committable offset is found without a scan.
 */
export class PendingOffsets {
  private readonly partitions = new Map<number, Map<string, bigint>>();
  /** Next offset to read per partition: one past the last message processed. */
  private readonly next = new Map<number, bigint>();

  markPending(partition: number, id: string, offset: bigint): void {
    let pending = this.partitions.get(partition);
    if (!pending) {
      pending = new Map();
      this.partitions.set(partition, pending);
    }
    if (!pending.has(id)) pending.set(id, offset);
  }

  markWritten(partition: number, id: string): void {
    this.partitions.get(partition)?.delete(id);
  }

  markProcessed(partition: number, offset: bigint): void {
    const current = this.next.get(partition);
    if (current === undefined || offset + 1n > current) this.next.set(partition, offset + 1n);
  }

  /** The offset to commit for a partition, or null before anything was processed. */
  committable(partition: number): bigint | null {
    const pending = this.partitions.get(partition);
    if (pending && pending.size > 0) {
      const first = pending.values().next();
      if (!first.done) return first.value;
    }
    return this.next.get(partition) ?? null;
  }

  waiting(): number {
    let total = 0;
    for (const pending of this.partitions.values()) total += pending.size;
    return total;
  }

  assignedPartitions(): number[] {
    return [...this.next.keys()];
  }

  dropPartitions(partitions: ReadonlySet<number>): void {
    for (const p of partitions) {
      this.partitions.delete(p);
      this.next.delete(p);
    }
  }
}
