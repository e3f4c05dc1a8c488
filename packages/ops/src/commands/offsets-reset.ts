import type { OpsContext } from '../context.js';
import { GroupActiveError, UsageError } from '../errors.js';
import { choosePartitions, partitionBounds } from '../topic-range.js';
import { describeGroup } from './offsets.js';

export type ResetTo =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'time'; ms: number };

export interface ResetOptions {
  group: string;
  topic: string;
  to: ResetTo;
  /** Partitions to move; all when absent. */
  partitions?: number[];
  /** Reports the moves without making them. */
  dryRun?: boolean;
}

export interface OffsetMove {
  readonly partition: number;
  readonly from: bigint | null;
  readonly to: bigint;
}

// A group with no member has nothing running that would overwrite the new offsets, or
// refuse them: Empty once its consumers left, Dead when it never existed.
const IDLE_STATES = new Set(['Empty', 'Dead']);

/**
 * Moves a consumer group's committed offsets, e.g. back to a time before a bad deploy so
 * its service processes that stretch again. Refused while the group has live members:
 * their next commit would undo the reset, so the service must be stopped first.
 */
export async function resetOffsets(ctx: OpsContext, options: ResetOptions): Promise<OffsetMove[]> {
  const admin = await ctx.admin();
  const { state, members } = await describeGroup(admin, options.group);
  if (!IDLE_STATES.has(state) || members.length > 0) {
    throw new GroupActiveError(options.group, state, members);
  }

  const bounds = choosePartitions(
    await partitionBounds(admin, options.topic),
    options.partitions,
    options.topic,
  );
  const [fetched] = await admin.fetchOffsets({ groupId: options.group, topics: [options.topic] });
  const current = new Map((fetched?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  const atTime =
    options.to.kind === 'time'
      ? new Map(
          (await admin.fetchTopicOffsetsByTimestamp(options.topic, options.to.ms)).map((o) => [
            o.partition,
            BigInt(o.offset),
          ]),
        )
      : null;

  const moves = bounds.map((b): OffsetMove => {
    let to: bigint;
    switch (options.to.kind) {
      case 'earliest':
        to = b.low;
        break;
      case 'latest':
        to = b.high;
        break;
      case 'time':
        to = atTime!.get(b.partition) ?? b.high;
        break;
      case 'offset':
        if (options.to.offset < b.low || options.to.offset > b.high) {
          throw new UsageError(
            `--to-offset ${options.to.offset} is outside partition ${b.partition} ` +
              `(offsets ${b.low} to ${b.high}); choose an offset in range or use --partitions`,
          );
        }
        to = options.to.offset;
        break;
    }
    const at = current.get(b.partition);
    return { partition: b.partition, from: at !== undefined && at >= 0n ? at : null, to };
  });

  if (!options.dryRun) {
    await admin.setOffsets({
      groupId: options.group,
      topic: options.topic,
      partitions: moves.map((m) => ({ partition: m.partition, offset: m.to.toString() })),
    });
  }
  return moves;
}
