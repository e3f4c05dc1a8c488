import { expect } from 'chai';
import { CheckpointLoad } from '../support/checkpoint-load.js';
import {
  awaitDelivery,
  committedOffsets,
  metric,
  printReport,
  topicEnd,
} from '../support/delivery-audit.js';
import {
  startDisposablePostgres,
  type DisposablePostgres,
} from '../support/disposable-postgres.js';
import { inProcess, sleep } from '../support/in-process.js';
import { testEnv } from '../support/pipeline.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

/**
 * PostgreSQL stops (a crash: `pg_ctl stop -m immediate`) for several seconds under a
 * steady stream and starts again. The checkpointer must stop taking messages, commit
 * nothing past what is written, retry with backoff, and catch up alone.
 */
describe('fault: PostgreSQL is down for a while', function () {
  this.timeout(90_000);
  let pg: DisposablePostgres;
  let env: Record<string, string>;
  let ingest: Started<'ingest'>;
  let checkpointer: Started<'checkpointer'>;
  let projector: Started<'projector'>;
  let resume: Started<'resume'>;

  before(async () => {
    pg = await startDisposablePostgres();
    env = testEnv({ DATABASE_URL: pg.url, RULE_WRITE_MAX_DELAY_MS: '2000' });
    ingest = await inProcess.ingest(env);
    [checkpointer, projector, resume] = await Promise.all([
      inProcess.checkpointer(env),
      inProcess.projector(env),
      inProcess.resume(env),
    ]);
  });

  after(async () => {
    await Promise.allSettled([checkpointer?.stop(), projector?.stop()]);
    await Promise.allSettled([ingest?.stop(), resume?.stop()]);
    await pg?.destroy();
  });

  it('holds its offsets while it cannot write, and catches up by itself', async () => {
    const brokers = env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    const topic = env.CHECKPOINT_TOPIC!;
    const group = env.CHECKPOINTER_GROUP!;
    const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 120 }).start();
    await sleep(3000);

    let downAt = 0;
    let upAt = 0;
    let committedEarly = new Map<number, number>();
    let committedLate = new Map<number, number>();
    let inEarly = 0;
    let inLate = 0;
    let endDuringOutage = 0;
    let failures = 0;
    let reads: number[] = [];
    try {
      await pg.stop('immediate');
      downAt = Date.now();
      // Whatever was in flight when it stopped settles first.
      await sleep(1500);
      committedEarly = await committedOffsets(brokers, group, topic);
      inEarly = await metric(checkpointer.url, 'checkpointer_checkpoints_in_total');

      // Meanwhile the resume API answers from Redis.
      reads = await Promise.all(
        load.keys.slice(0, 10).map(async (k) => {
          const q = new URLSearchParams({
            account_id: k.accountId,
            profile_id: k.profileId,
            video_id: k.videoId,
          });
          return (await fetch(`${resume.url}/playback/resume?${q}`)).status;
        }),
      );
      await sleep(5000);

      committedLate = await committedOffsets(brokers, group, topic);
      inLate = await metric(checkpointer.url, 'checkpointer_checkpoints_in_total');
      endDuringOutage = await topicEnd(brokers, topic);
      failures = await metric(checkpointer.url, 'checkpointer_db_write_failures_total');
      await pg.start();
      upAt = Date.now();
      await sleep(3000);
    } finally {
      await pg.start();
      await load.stop();
    }

    const report = await awaitDelivery({
      fault: `PostgreSQL down ${((upAt - downAt) / 1000).toFixed(1)} s under load`,
      load,
      postgresUrl: pg.url,
      redis: { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.REDIS_PREFIX! },
      timeoutMs: 30_000,
      deadLetters: { brokers: brokers, topic: env.DEAD_LETTER_TOPIC! },
      since: upAt,
    });
    const committedSum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    printReport(report, {
      'checkpoints read by the checkpointer during the last 5 s of the outage': inLate - inEarly,
      'offsets committed during the last 5 s of the outage':
        committedSum(committedLate) - committedSum(committedEarly),
      'messages behind at the end of the outage': endDuringOutage - committedSum(committedLate),
      'failed write attempts (each retried after a backoff)': failures,
      'resume reads during the outage': reads.join(' '),
    });

    expect(committedLate).to.deep.equal(committedEarly);
    expect(inLate).to.equal(inEarly);
    expect(endDuringOutage).to.be.greaterThan(committedSum(committedLate));
    // Backoff: a few attempts over the outage, not one per millisecond.
    expect(failures).to.be.within(1, 30);
    expect(reads.every((s) => s === 200)).to.equal(true);
    expect(report.postgres?.lost).to.equal(0);
    expect(report.deadLetters).to.equal(0);
    expect(report.redis?.lost).to.equal(0);
    expect(report.postgres?.wrongPosition).to.equal(0);
  });
});
