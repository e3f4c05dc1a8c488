import type { OpsContext } from '../context.js';
import type { StartPoint } from '../parse.js';
import { readRanges, resolveRanges } from '../topic-range.js';
import { toDeadLetter, type DeadLetter } from './dead-letters.js';

export interface DlqListOptions {
  deadLetterTopic: string;
  from?: StartPoint;
  limit?: number;
}

/** The dead letters held, oldest first, up to the end of the topic as it was at the start. */
export async function listDeadLetters(
  ctx: OpsContext,
  options: DlqListOptions,
): Promise<DeadLetter[]> {
  const admin = await ctx.admin();
  const from = options.from ?? { kind: 'start' };
  const ranges = await resolveRanges(admin, options.deadLetterTopic, {
    from:
      from.kind === 'start'
        ? { kind: 'earliest' }
        : from.kind === 'end'
          ? { kind: 'latest' }
          : { kind: 'time', ms: from.ms },
    to: { kind: 'latest' },
  });
  const limit = options.limit ?? Infinity;
  const letters: DeadLetter[] = [];
  if (limit === 0) return letters;
  await readRanges(
    ctx.kafka(),
    admin,
    options.deadLetterTopic,
    ranges,
    (partition, messages) => {
      for (const message of messages) {
        letters.push(toDeadLetter(partition, message));
        if (letters.length >= limit) return 'stop';
      }
    },
    { purpose: 'dlq-list' },
  );
  return letters.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}
