import {
  applyCheckpoint,
  DEFAULT_RULES,
  keyString,
  type Checkpoint,
  type ResumeKey,
  type ResumeRules,
  type ResumeState,
} from '@playhead/domain';
import { decodeMessage } from '@playhead/events';
import type { OpsContext } from '../context.js';
import { silentProgress, type Progress } from '../progress.js';
import {
  readRanges,
  resolveRanges,
  type From,
  type PartitionRange,
  type To,
} from '../topic-range.js';
import {
  postgresTarget,
  redisTarget,
  type Current,
  type ReplayTarget,
  type TargetEntry,
} from './replay-targets.js';

export type ReplayTargetName = 'postgres' | 'redis' | 'both';

export interface ReplayOptions {
  topic: string;
  /** Partitions to replay; all when absent. */
  partitions?: number[];
  from: From;
  to: Exclude<To, { kind: 'follow' }>;
  target: ReplayTargetName;
  /** Redis key prefix, for the redis target. */
  prefix: string;
  /** Reads and applies, writes nothing; reports what would change. */
  dryRun?: boolean;
  rules?: ResumeRules;
  progress?: Progress;
  /** Called for every key whose stored state changes (or would, in a dry run). */
  onChange?: (change: ReplayChange) => void;
}

export interface ReplayChange {
  readonly target: 'postgres' | 'redis';
  readonly key: string;
  readonly before: ResumeState | null;
  readonly after: ResumeState;
}

export interface TargetReport {
  /** Distinct keys the range holds. */
  keys: number;
  /** Writes the store took (or, in a dry run, would have been attempted). */
  changed: number;
  /** Writes the store refused because it already held something newer. */
  refused: number;
}

export interface ReplayReport {
  readonly dryRun: boolean;
  readonly ranges: PartitionRange[];
  messages: number;
  checkpoints: number;
  /** Messages that cannot be decoded; the consumers dead-lettered them too. */
  readonly skipped: Array<{ partition: number; offset: string; error: string }>;
  readonly targets: Partial<Record<'postgres' | 'redis', TargetReport>>;
}

/**
 * Re-applies a range of the checkpoint topic to PostgreSQL and/or Redis through the same
 * rules and the same conditional writes as the services: per key, in offset order, from
 * the state the store holds now. A store already newer than the range keeps its state,
 * so a replay only fills gaps. A key the store does not hold starts from nothing, which
 * is how deleted rows are rebuilt: replay from at or before the key's first event.
 */
export async function replay(ctx: OpsContext, options: ReplayOptions): Promise<ReplayReport> {
  const rules = options.rules ?? DEFAULT_RULES;
  const progress = options.progress ?? silentProgress;
  const admin = await ctx.admin();
  const ranges = await resolveRanges(admin, options.topic, options);

  const targets: ReplayTarget[] = [];
  if (options.target !== 'redis') targets.push(postgresTarget(ctx.db()));
  if (options.target !== 'postgres') {
    targets.push(redisTarget(ctx.redis(), ctx.db(), options.prefix, rules));
  }
  const report: ReplayReport = {
    dryRun: options.dryRun ?? false,
    ranges,
    messages: 0,
    checkpoints: 0,
    skipped: [],
    targets: {},
  };
  const runs = targets.map((target) => new TargetRun(target, rules, report, options));
  const codec = ctx.codec();

  progress.start(total(ranges), options.dryRun ? 'replay (dry run)' : 'replay');
  try {
    await readRanges(
      ctx.kafka(),
      admin,
      options.topic,
      ranges,
      async (partition, messages) => {
        const checkpoints: Checkpoint[] = [];
        for (const message of messages) {
          const decoded = await decodeMessage(codec, message);
          if (decoded.ok) checkpoints.push(decoded.checkpoint);
          else report.skipped.push({ partition, offset: message.offset, error: decoded.error });
        }
        for (const run of runs) await run.apply(checkpoints);
        report.messages += messages.length;
        report.checkpoints += checkpoints.length;
        progress.add(messages.length);
      },
      { purpose: 'replay' },
    );
  } finally {
    progress.stop();
  }
  for (const run of runs) run.finish();
  return report;
}

function total(ranges: PartitionRange[]): number {
  return ranges.reduce((n, r) => n + Number((r.end ?? r.start) - r.start), 0);
}

/** The replay of one store: its keys' states, and in a dry run the states it would hold. */
class TargetRun {
  private readonly keys = new Set<string>();
  private readonly counts = { changed: 0, refused: 0 };
  /** Dry run only: what the store would hold after the batches applied so far. */
  private readonly virtual = new Map<string, Current>();

  constructor(
    private readonly target: ReplayTarget,
    private readonly rules: ResumeRules,
    private readonly report: ReplayReport,
    private readonly options: ReplayOptions,
  ) {}

  /** Applies one batch of a partition: each key's checkpoints in order, then one write. */
  async apply(checkpoints: Checkpoint[]): Promise<void> {
    const groups = new Map<string, { key: ResumeKey; items: Checkpoint[] }>();
    for (const cp of checkpoints) {
      const id = keyString(cp);
      this.keys.add(id);
      let group = groups.get(id);
      if (!group) {
        const key = { accountId: cp.accountId, profileId: cp.profileId, videoId: cp.videoId };
        group = { key, items: [] };
        groups.set(id, group);
      }
      group.items.push(cp);
    }
    if (groups.size === 0) return;

    const dryRun = this.options.dryRun ?? false;
    const toLoad = [...groups].filter(([id]) => !(dryRun && this.virtual.has(id)));
    const stored = await this.target.load(toLoad.map(([, g]) => g.key));

    const writes: Array<TargetEntry & { before: ResumeState | null; id: string }> = [];
    for (const [id, group] of groups) {
      const current = (dryRun ? this.virtual.get(id) : undefined) ?? stored.get(id) ?? null;
      let state = current?.state ?? null;
      let changed = false;
      for (const cp of group.items) {
        const applied = applyCheckpoint(state, cp, this.rules);
        if (applied.changed) {
          state = applied.state;
          changed = true;
        }
      }
      // A key Redis lacks is filled from its PostgreSQL state, as the projector does.
      if (state !== null && (changed || current?.missing === true)) {
        const hiddenAt = current?.hiddenAt ?? null;
        writes.push({ id, key: group.key, state, hiddenAt, before: current?.state ?? null });
      }
    }
    if (writes.length === 0) return;

    let taken: boolean[];
    if (dryRun) {
      for (const w of writes) this.virtual.set(w.id, { state: w.state, hiddenAt: w.hiddenAt });
      taken = writes.map(() => true);
    } else {
      taken = await this.target.write(writes);
    }
    for (const [i, w] of writes.entries()) {
      if (!taken[i]) {
        this.counts.refused += 1;
        continue;
      }
      this.counts.changed += 1;
      this.options.onChange?.({
        target: this.target.name,
        key: w.id,
        before: w.before,
        after: w.state,
      });
    }
  }

  finish(): void {
    this.report.targets[this.target.name] = { keys: this.keys.size, ...this.counts };
  }
}
