import { expect } from 'chai';
import { createRedis } from '@playhead/store';
import { CheckpointLoad } from '../support/checkpoint-load.js';
import { awaitDelivery, metric, printReport } from '../support/delivery-audit.js';
import { startDisposableRedis, type DisposableRedis } from '../support/disposable-redis.js';
import { inProcess, sleep } from '../support/in-process.js';
import { testEnv } from '../support/pipeline.js';
import { ResumeProbe } from '../support/resume-probe.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

/**
 * Redis (a disposable one, without persistence) hangs, dies, or loses its data under a
 * steady stream. The projector waits and retries and catches up; the resume API answers
 * from PostgreSQL meanwhile, quickly, and never with another key's state.
 */
describe('fault: Redis hangs, dies or is flushed', function () {
  this.timeout(90_000);
  let redis: DisposableRedis;
  let env: Record<string, string>;
  let ingest: Started<'ingest'>;
  let checkpointer: Started<'checkpointer'>;
  let projector: Started<'projector'>;
  let resume: Started<'resume'>;

  before(async () => {
    redis = await startDisposableRedis();
    env = testEnv({
      REDIS_URL: redis.url,
      RULE_WRITE_MAX_DELAY_MS: '2000',
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
    });
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
    await redis?.destroy();
  });

  async function underFault(
    fault: string,
    inject: () => Promise<void>,
    heal: () => Promise<void>,
    downMs: number,
  ) {
    const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 100 }).start();
    await sleep(2500);
    const probe = new ResumeProbe(resume.url, load).start();
    const failuresBefore = await metric(projector.url, 'projector_redis_failures_total');
    const fallbacksBefore = await metric(resume.url, 'resume_database_fallbacks_total');

    let faultAt = 0;
    let healedAt = 0;
    let okDuring = 0;
    try {
      await inject();
      faultAt = Date.now();
      await sleep(downMs);
      okDuring = probe.count(200);
      await heal();
      healedAt = Date.now();
      // Every key gets new checkpoints after the cache came back.
      await sleep(3000);
    } finally {
      await load.stop();
      await probe.stop();
    }

    const report = await awaitDelivery({
      fault: `${fault} (${((healedAt - faultAt) / 1000).toFixed(1)} s)`,
      load,
      postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead',
      redis: { url: redis.url, prefix: env.REDIS_PREFIX! },
      timeoutMs: 30_000,
      deadLetters: {
        brokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        topic: env.DEAD_LETTER_TOPIC!,
      },
      since: healedAt,
    });
    const failures =
      (await metric(projector.url, 'projector_redis_failures_total')) - failuresBefore;
    const fallbacks =
      (await metric(resume.url, 'resume_database_fallbacks_total')) - fallbacksBefore;
    printReport(report, {
      'resume reads (status: count)': probe.summary(),
      'resume reads answered by PostgreSQL (Redis missed, failed or timed out)': fallbacks,
      'projector Redis failures, each retried': failures,
    });

    expect(report.postgres?.lost).to.equal(0);

    expect(report.deadLetters).to.equal(0);
    expect(report.redis?.lost).to.equal(0);
    expect(report.redis?.wrongPosition).to.equal(0);
    expect(probe.foreign).to.equal(0);
    expect(probe.count(500)).to.equal(0);
    expect(probe.count(0)).to.equal(0);
    expect(okDuring).to.be.greaterThan(0);
    return { report, probe, failures, fallbacks };
  }

  it('a hung Redis (SIGSTOP): reads fall back to PostgreSQL, the projector resumes', async () => {
    const { probe, failures } = await underFault(
      'Redis hung (SIGSTOP) under load',
      async () => redis.freeze(),
      async () => redis.thaw(),
      8000,
    );
    // Every read was answered by PostgreSQL within the Redis bound plus a query.
    expect(probe.count(503)).to.equal(0);
    expect(probe.slowestMs).to.be.below(1000);
    // The projector noticed (command timeout) and retried, heartbeating in between,
    // rather than hanging longer than its session.
    expect(failures).to.be.greaterThan(0);
  });

  it('a dead Redis that comes back empty: the projector waits, then catches up', async () => {
    const { probe, failures } = await underFault(
      'Redis killed (SIGKILL) and restarted empty under load',
      () => redis.stop('SIGKILL'),
      () => redis.start(),
      6000,
    );
    expect(probe.count(503)).to.equal(0);
    expect(probe.slowestMs).to.be.below(1000);
    expect(failures).to.be.greaterThan(0);
  });

  it('a flushed Redis: reads miss to PostgreSQL and the cache fills again', async () => {
    const { probe, fallbacks } = await underFault(
      'Redis flushed (FLUSHALL) under load',
      async () => {
        const client = createRedis(redis.url, { lazyConnect: true });
        await client.connect();
        await client.flushall();
        client.disconnect();
      },
      async () => undefined,
      3000,
    );
    expect(probe.count(503)).to.equal(0);
    expect(fallbacks).to.be.greaterThan(0);
  });
});
