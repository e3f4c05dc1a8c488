import { Command, CommanderError, Option } from 'commander';
import { resolveRules } from '@playhead/config';
import { OpsContext } from './context.js';
import { explain } from './explain.js';
import { UsageError } from './errors.js';
import { describeState, isoTime, json, table } from './format.js';
import {
  parseIntList,
  parseNonNegativeInt,
  parseOffset,
  parseOffsetList,
  parsePositiveInt,
  parseStartPoint,
  parseTime,
  type StartPoint,
} from './parse.js';
import { progressBar } from './progress.js';
import { loadOpsSettings, type OpsSettings } from './settings.js';
import { replay, type ReplayTargetName } from './commands/replay.js';
import { showOffsets } from './commands/offsets.js';
import { resetOffsets, type ResetTo } from './commands/offsets-reset.js';
import { rebuildCache } from './commands/rebuild-cache.js';
import { tail } from './commands/tail.js';
import { listDeadLetters } from './commands/dlq-list.js';
import { resendDeadLetters } from './commands/dlq-resend.js';
import { runRetention } from './commands/retention.js';
import type { From, To } from './topic-range.js';

const ENVIRONMENT_HELP = `
Environment (the services' own variables and defaults):
  KAFKA_BROKERS        127.0.0.1:9092
  SCHEMA_REGISTRY_URL  http://127.0.0.1:8081/apis/ccompat/v7
  DATABASE_URL         postgres://postgres@127.0.0.1:5432/playhead
  REDIS_URL            redis://127.0.0.1:6379
  CHECKPOINT_TOPIC     playback.checkpoints.v1
  DEAD_LETTER_TOPIC    playback.checkpoints.v1.dlq
  REDIS_PREFIX         ph
  RULE_*               the resume rules' numbers, as in the services
  CHECKPOINTER_GROUP   playhead-checkpointer
  PROJECTOR_GROUP      playhead-projector

Exit codes: 0 done, 1 the work failed or was refused, 2 a flag or variable to fix.
See docs/operations.md for runbooks.`;

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Runs a command's action with settings and connections, and turns errors into exits. */
function action<A extends unknown[]>(
  body: (ctx: OpsContext, settings: OpsSettings, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    let settings: OpsSettings | null = null;
    let ctx: OpsContext | null = null;
    try {
      settings = loadOpsSettings();
      ctx = new OpsContext(settings);
      await body(ctx, settings, ...args);
    } catch (error) {
      const { message, exitCode } = explain(error, settings);
      const command = commandPath(args[args.length - 1] as Command);
      process.stderr.write(`${command}: error: ${message}\n`);
      if (exitCode === 2) process.stderr.write(`(run ${command} --help for usage)\n`);
      process.exitCode = exitCode;
    } finally {
      await ctx?.close();
    }
  };
}

/** `playhead offsets reset`, for messages. */
function commandPath(command: Command | null): string {
  const names: string[] = [];
  for (let c = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function topicOption(): Option {
  return new Option('--topic <name>', 'checkpoint topic (default: $CHECKPOINT_TOPIC)');
}

export function buildProgram(): Command {
  const program = new Command('playhead')
    .description(
      'Operate Playhead: replay the checkpoint topic, move offsets, rebuild the cache, inspect and resend dead letters, apply retention.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', ENVIRONMENT_HELP);

  program
    .command('replay')
    .summary('re-apply a range of the checkpoint topic to PostgreSQL and/or Redis')
    .description(
      "Re-apply a range of the checkpoint topic to PostgreSQL and/or Redis through the resume rules and the conditional writes: state already newer is never touched. To rebuild deleted rows, start at or before the keys' first event.",
    )
    .addOption(topicOption())
    .option('--partitions <list>', 'partitions to replay, e.g. 0,3 (default: all)', parseIntList)
    .addOption(
      new Option('--from-offset <n>', 'first offset, in each chosen partition')
        .argParser(parseOffset)
        .conflicts('fromTime'),
    )
    .addOption(
      new Option('--from-time <iso>', 'first message at or after this time').argParser(parseTime),
    )
    .addOption(
      new Option('--to-offset <n>', 'stop before this offset (exclusive)')
        .argParser(parseOffset)
        .conflicts('toTime'),
    )
    .addOption(
      new Option('--to-time <iso>', 'stop at the first message at or after this time').argParser(
        parseTime,
      ),
    )
    .addOption(
      new Option('--target <store>', 'what to rebuild')
        .choices(['postgres', 'redis', 'both'])
        .default('both'),
    )
    .option('--prefix <prefix>', 'Redis key prefix (default: $REDIS_PREFIX)')
    .option('--dry-run', 'write nothing; print what would change')
    .option('--json', 'print changes and the summary as JSON lines')
    .addHelpText(
      'after',
      `
The range defaults to the oldest message held up to the end of each partition as it is
when the command starts.

Examples:
  playhead replay --partitions 3 --from-time 2026-01-31T20:00:00Z --dry-run
  playhead replay --from-time 2026-01-31T20:00:00Z --to-time 2026-01-31T22:00:00Z --target postgres`,
    )
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        const from: From =
          opts.fromOffset !== undefined
            ? { kind: 'offset', offset: opts.fromOffset }
            : opts.fromTime !== undefined
              ? { kind: 'time', ms: opts.fromTime }
              : { kind: 'earliest' };
        const to: Exclude<To, { kind: 'follow' }> =
          opts.toOffset !== undefined
            ? { kind: 'offset', offset: opts.toOffset }
            : opts.toTime !== undefined
              ? { kind: 'time', ms: opts.toTime }
              : { kind: 'latest' };
        const dryRun = Boolean(opts.dryRun);
        const report = await replay(ctx, {
          topic: opts.topic ?? settings.CHECKPOINT_TOPIC,
          partitions: opts.partitions,
          from,
          to,
          target: opts.target as ReplayTargetName,
          prefix: opts.prefix ?? settings.REDIS_PREFIX,
          rules: resolveRules(settings),
          dryRun,
          progress: progressBar(),
          onChange: (c) => {
            if (opts.json) out(json({ change: c }));
            else if (dryRun)
              out(
                `would change  ${c.target}  ${c.key}  ${describeState(c.before)} -> ${describeState(c.after)}`,
              );
          },
        });
        if (opts.json) {
          out(json({ summary: report }));
          return;
        }
        for (const r of report.ranges) {
          out(`partition ${r.partition}: offsets ${r.start} to ${r.end ?? '-'} (exclusive)`);
        }
        out(`${report.messages} messages, ${report.checkpoints} checkpoints`);
        for (const s of report.skipped) {
          out(
            `skipped undecodable message at partition ${s.partition} offset ${s.offset}: ${s.error}`,
          );
        }
        for (const [name, t] of Object.entries(report.targets)) {
          out(
            `${name}: ${t.keys} keys, ${t.changed} ${dryRun ? 'would change' : 'changed'}` +
              (dryRun ? '' : `, ${t.refused} already newer`),
          );
        }
        if (dryRun) out('dry run: nothing was written');
      }),
    );

  const offsets = program
    .command('offsets')
    .description("consumer groups' committed offsets, end offsets and lag; reset them");
  offsets
    .command('show', { isDefault: true })
    .description(
      'committed offset, end offset and lag per partition (default: both pipeline groups)',
    )
    .addOption(topicOption())
    .option('--group <id>', 'consumer group, repeatable', (v: string, acc: string[] = []) => [
      ...acc,
      v,
    ])
    .option('--json', 'print JSON lines')
    .addHelpText('after', '\nExample:\n  playhead offsets --group playhead-checkpointer')
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        const groups: string[] = opts.group ?? [
          settings.CHECKPOINTER_GROUP,
          settings.PROJECTOR_GROUP,
        ];
        const result = await showOffsets(ctx, {
          topic: opts.topic ?? settings.CHECKPOINT_TOPIC,
          groups,
        });
        for (const g of result) {
          if (opts.json) {
            out(json(g));
            continue;
          }
          out(
            `group ${g.group}  topic ${g.topic}  state ${g.state}  members ${g.members.length}  total lag ${g.totalLag}`,
          );
          out(
            table([
              ['partition', 'committed', 'end', 'lag'],
              ...g.partitions.map((p) => [
                String(p.partition),
                p.committed?.toString() ?? 'none',
                String(p.end),
                String(p.lag),
              ]),
            ]),
          );
          out('');
        }
      }),
    );
  offsets
    .command('reset')
    .description(
      "move a stopped group's committed offsets; refused while the group has live members",
    )
    .requiredOption('--group <id>', 'consumer group to move')
    .addOption(topicOption())
    .addOption(
      new Option('--to-time <iso>', 'the first offset at or after this time')
        .argParser(parseTime)
        .conflicts(['toOffset', 'toEarliest', 'toLatest']),
    )
    .addOption(
      new Option('--to-offset <n>', 'this offset, in each chosen partition')
        .argParser(parseOffset)
        .conflicts(['toEarliest', 'toLatest']),
    )
    .addOption(new Option('--to-earliest', 'the oldest message held').conflicts('toLatest'))
    .option('--to-latest', 'the end: skip everything not yet read')
    .option('--partitions <list>', 'partitions to move, e.g. 0,3 (default: all)', parseIntList)
    .option('--dry-run', 'print the moves without making them')
    .addHelpText(
      'after',
      `
Stop every instance of the group's service first; the reset refuses to run while the
group has members, since their next commit would undo it.

Example:
  playhead offsets reset --group playhead-projector --to-time 2026-01-31T20:00:00Z`,
    )
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        const to: ResetTo | null =
          opts.toTime !== undefined
            ? { kind: 'time', ms: opts.toTime }
            : opts.toOffset !== undefined
              ? { kind: 'offset', offset: opts.toOffset }
              : opts.toEarliest
                ? { kind: 'earliest' }
                : opts.toLatest
                  ? { kind: 'latest' }
                  : null;
        if (to === null) {
          throw new UsageError(
            'say where to: --to-time <iso>, --to-offset <n>, --to-earliest or --to-latest',
          );
        }
        const moves = await resetOffsets(ctx, {
          group: opts.group,
          topic: opts.topic ?? settings.CHECKPOINT_TOPIC,
          to,
          partitions: opts.partitions,
          dryRun: Boolean(opts.dryRun),
        });
        out(
          table([
            ['partition', 'from', 'to'],
            ...moves.map((m) => [String(m.partition), m.from?.toString() ?? 'none', String(m.to)]),
          ]),
        );
        out(opts.dryRun ? 'dry run: offsets unchanged' : `group ${opts.group} moved`);
      }),
    );

  program
    .command('rebuild-cache')
    .summary('refill Redis from PostgreSQL')
    .description(
      'Refill Redis from PostgreSQL (after a Redis loss): every row, with the conditional write, so entries the projector stored newer are kept.',
    )
    .option('--prefix <prefix>', 'Redis key prefix (default: $REDIS_PREFIX)')
    .option('--batch <n>', 'rows per page', parsePositiveInt, 500)
    .addHelpText('after', '\nExample:\n  playhead rebuild-cache --batch 1000')
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        const report = await rebuildCache(ctx, {
          prefix: opts.prefix ?? settings.REDIS_PREFIX,
          batchSize: opts.batch,
          rules: resolveRules(settings),
          progress: progressBar(),
        });
        out(
          `${report.rows} rows read, ${report.written} entries written, ` +
            `${report.newer} already newer in Redis, ${report.expired} past retention skipped`,
        );
      }),
    );

  program
    .command('tail')
    .summary('print the checkpoint topic decoded, as JSON lines')
    .description(
      'Print the checkpoint topic decoded, one JSON line per message; stops at the end unless --follow.',
    )
    .addOption(topicOption())
    .option('--key <key>', 'only this key, account_id#profile_id#video_id')
    .option('--partitions <list>', 'only these partitions, e.g. 0,3', parseIntList)
    .option('--from <where>', 'start, end, or an ISO time', parseStartPoint, {
      kind: 'start',
    } as StartPoint)
    .option('--limit <n>', 'stop after this many messages', parseNonNegativeInt)
    .option('--follow', 'keep printing new messages until Ctrl-C')
    .addHelpText(
      'after',
      `
Examples:
  playhead tail --key acct-1#p1#v42
  playhead tail --from end --follow
  playhead tail --from 2026-01-31T20:00:00Z --limit 20`,
    )
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once('SIGINT', stop);
        try {
          await tail(
            ctx,
            {
              topic: opts.topic ?? settings.CHECKPOINT_TOPIC,
              key: opts.key,
              partitions: opts.partitions,
              from: opts.from,
              limit: opts.limit,
              follow: Boolean(opts.follow),
              signal: abort.signal,
            },
            (line) => out(json(line)),
          );
        } finally {
          process.off('SIGINT', stop);
        }
      }),
    );

  const dlq = program
    .command('dlq')
    .description('dead letters: messages the consumers could not process; list and resend');
  dlq
    .command('list')
    .description('list dead letters with their error and where they came from')
    .option('--dead-letter-topic <name>', 'dead-letter topic (default: $DEAD_LETTER_TOPIC)')
    .option('--from <where>', 'start, end, or an ISO time', parseStartPoint, {
      kind: 'start',
    } as StartPoint)
    .option('--limit <n>', 'list at most this many', parseNonNegativeInt)
    .option('--json', 'print JSON lines')
    .addHelpText('after', '\nExample:\n  playhead dlq list --from 2026-01-31T20:00:00Z')
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        const letters = await listDeadLetters(ctx, {
          deadLetterTopic: opts.deadLetterTopic ?? settings.DEAD_LETTER_TOPIC,
          from: opts.from,
          limit: opts.limit,
        });
        if (opts.json) {
          for (const l of letters) out(json(l));
          return;
        }
        out(
          table([
            ['offset', 'time', 'source', 'consumer', 'error'],
            ...letters.map((l) => [
              l.partition === 0 ? l.offset : `${l.partition}:${l.offset}`,
              isoTime(l.timestamp),
              `${l.source.topic ?? '?'}/${l.source.partition ?? '?'}/${l.source.offset ?? '?'}`,
              l.consumer ?? '-',
              l.error ?? '-',
            ]),
          ]),
        );
        out(`${letters.length} dead letter(s)`);
      }),
    );
  dlq
    .command('resend')
    .description(
      'send dead letters back to their source topic: key and value kept, dead-letter headers dropped',
    )
    .option('--dead-letter-topic <name>', 'dead-letter topic (default: $DEAD_LETTER_TOPIC)')
    .addOption(
      new Option('--offsets <list>', 'dead-letter offsets to resend, e.g. 3,5')
        .argParser(parseOffsetList)
        .conflicts('all'),
    )
    .option('--all', 'every dead letter held')
    .option('--partition <n>', 'dead-letter partition the offsets are in', parseNonNegativeInt, 0)
    .option('--dry-run', 'print what would be sent')
    .addHelpText(
      'after',
      `
Fix the cause first: a message that still cannot be processed is dead-lettered again.
Copies of one source message (each consumer group dead-letters it) are sent once.

Example:
  playhead dlq resend --offsets 3,5 --dry-run`,
    )
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        if (!opts.all && opts.offsets === undefined) {
          throw new UsageError('say which: --offsets 3,5 or --all');
        }
        const report = await resendDeadLetters(ctx, {
          deadLetterTopic: opts.deadLetterTopic ?? settings.DEAD_LETTER_TOPIC,
          defaultTopic: settings.CHECKPOINT_TOPIC,
          offsets: opts.offsets,
          partition: opts.partition,
          all: Boolean(opts.all),
          dryRun: Boolean(opts.dryRun),
        });
        const verb = report.dryRun ? 'would send' : 'sent';
        for (const s of report.sent) {
          out(
            `${verb} dead letter ${s.letter.offset} (key ${s.letter.key ?? 'none'}) to ${s.topic}`,
          );
        }
        for (const d of report.duplicates) {
          out(`skipped dead letter ${d.offset}: a copy of the same source message`);
        }
        out(`${report.sent.length} ${verb}`);
      }),
    );

  program
    .command('retention')
    .summary('delete PostgreSQL entries past the retention period')
    .description(
      'Delete PostgreSQL entries untouched for longer than the retention period, in batches. Redis entries expire by themselves. The checkpointer runs this hourly.',
    )
    .option(
      '--days <n>',
      'retention period in days (default: $RULE_RETENTION_DAYS or 180)',
      parsePositiveInt,
    )
    .option('--batch <n>', 'rows per DELETE', parsePositiveInt, 1000)
    .option('--dry-run', 'count what would be deleted')
    .addHelpText('after', '\nExample:\n  playhead retention --days 180 --dry-run')
    .action(
      action(async (ctx, settings, opts: Record<string, any>) => {
        const report = await runRetention(ctx, {
          // The same period Redis expiry uses, unless told otherwise.
          days: opts.days ?? resolveRules(settings).retentionMs / 86_400_000,
          batchSize: opts.batch,
          dryRun: Boolean(opts.dryRun),
          progress: progressBar(),
        });
        out(`entries untouched since ${isoTime(report.cutoff)}: ${report.expired}`);
        out(report.dryRun ? 'dry run: nothing deleted' : `${report.deleted} deleted`);
      }),
    );

  return program;
}

/** Exit 0 for help and version, 2 for a command line commander refused. */
function exitCodeOf(error: CommanderError): number {
  if (
    error.code === 'commander.helpDisplayed' ||
    error.code === 'commander.help' ||
    error.code === 'commander.version' ||
    error.exitCode === 0
  ) {
    return 0;
  }
  return 2;
}

// `playhead tail | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = exitCodeOf(error);
  else {
    process.stderr.write(`playhead: error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
