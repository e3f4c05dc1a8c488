import type { Admin } from 'kafkajs';
import type { OpsContext } from '../context.js';
import { partitionBounds } from '../topic-range.js';

export interface PartitionOffsets {
  readonly partition: number;
  /** Next offset the group will read; null when it never committed on this partition. */
  readonly committed: bigint | null;
  readonly low: bigint;
  readonly end: bigint;
  /** Messages the group has yet to read; from the oldest held message when never committed. */
  readonly lag: bigint;
}

export interface GroupOffsets {
  readonly group: string;
  readonly topic: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, Dead (never seen), ... */
  readonly state: string;
  readonly members: string[];
  readonly partitions: PartitionOffsets[];
  readonly totalLag: bigint;
}

/** A group's state and live members, as `clientId@host` for the operator to find them. */
export async function describeGroup(
  admin: Admin,
  group: string,
): Promise<{ state: string; members: string[] }> {
  const { groups } = await admin.describeGroups([group]);
  const found = groups[0];
  return {
    state: found?.state ?? 'Dead',
    members: (found?.members ?? []).map((m) => `${m.clientId}@${m.clientHost}`),
  };
}

/** Committed offsets, end offsets and lag per partition of each group on a topic. */
export async function showOffsets(
  ctx: OpsContext,
  options: { topic: string; groups: string[] },
): Promise<GroupOffsets[]> {
  const admin = await ctx.admin();
  const bounds = await partitionBounds(admin, options.topic);
  const out: GroupOffsets[] = [];
  for (const group of options.groups) {
    const [{ state, members }, fetched] = await Promise.all([
      describeGroup(admin, group),
      admin.fetchOffsets({ groupId: group, topics: [options.topic] }),
    ]);
    const committed = new Map(
      (fetched[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
    );
    const partitions = bounds.map((b) => {
      const at = committed.get(b.partition);
      const known = at !== undefined && at >= 0n ? at : null;
      // A committed offset older than what the topic holds reads from the oldest held.
      const from = known === null || known < b.low ? b.low : known;
      return {
        partition: b.partition,
        committed: known,
        low: b.low,
        end: b.high,
        lag: b.high - from,
      };
    });
    const totalLag = partitions.reduce((n, p) => n + p.lag, 0n);
    out.push({ group, topic: options.topic, state, members, partitions, totalLag });
  }
  return out;
}
