import { expect } from 'chai';
import { startChildService, type Exit } from '../support/child-service.js';
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
import { eventually, testEnv } from '../support/pipeline.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

/** What runService allows a stop before it forces the exit; the tests want well under it. */
const STOP_BOUND_MS = 10_000;
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + Math.max(b, 0), 0);

/**
 * SIGTERM to real service processes: each stops taking work, writes or sends what is
 * waiting, commits, and exits 0 within a bound.
 */
describe('fault: SIGTERM', function () {
  this.timeout(90_000);

  describe('the checkpointer, with checkpoints waiting for the debounce timer', () => {
    // The 60 s debounce of the contract: nothing waiting is written by the timer during
    // the test, so only the shutdown can write it.
    const env = testEnv({ FLUSH_INTERVAL_MS: '1000' });
    let ingest: Started<'ingest'>;

    before(async () => {
      ingest = await inProcess.ingest(env);
    });
    after(() => ingest?.stop());

    it('writes what waits, commits to the end, and exits 0 in time', async () => {
      const checkpointer = await startChildService('checkpointer', env);
      try {
        const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 120 }).start();
        await sleep(3000);
        await load.stop();
        const end = await topicEnd(BROKERS, env.CHECKPOINT_TOPIC!);
        await eventually(async () => {
          const read = await metric(checkpointer.url, 'checkpointer_checkpoints_in_total');
          if (read < end) throw new Error(`read ${read} of ${end}`);
        });
        const waiting = await metric(checkpointer.url, 'checkpointer_keys_waiting');
        const committedBefore = await committedOffsets(
          BROKERS,
          env.CHECKPOINTER_GROUP!,
          env.CHECKPOINT_TOPIC!,
        );

        checkpointer.kill('SIGTERM');
        const exit = await checkpointer.exited(STOP_BOUND_MS + 5000);
        const committedAfter = await committedOffsets(
          BROKERS,
          env.CHECKPOINTER_GROUP!,
          env.CHECKPOINT_TOPIC!,
        );
        // Read once, at once: no other instance runs, so only the shutdown wrote.
        const report = await awaitDelivery({
          fault: 'checkpointer SIGTERMed with checkpoints waiting (60 s debounce)',
          load,
          postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead',
          timeoutMs: 0,
          deadLetters: { brokers: BROKERS, topic: env.DEAD_LETTER_TOPIC! },
        });
        printReport(report, {
          'keys waiting at SIGTERM': waiting,
          'committed before SIGTERM / after / topic end': `${sum(committedBefore)} / ${sum(committedAfter)} / ${end}`,
          exit: `code ${exit.code}, signal ${exit.signal}, ${exit.afterSignalMs} ms after SIGTERM`,
        });

        expect(waiting).to.be.greaterThan(0);
        expect(sum(committedBefore)).to.be.below(end);
        expect(exit.code).to.equal(0);
        expect(exit.afterSignalMs).to.be.below(STOP_BOUND_MS);
        expect(sum(committedAfter)).to.equal(end);
        expect(report.postgres?.lost).to.equal(0);
        expect(report.deadLetters).to.equal(0);
        expect(report.postgres?.wrongPosition).to.equal(0);
      } finally {
        checkpointer.kill('SIGKILL');
      }
    });
  });

  describe('the checkpointer, while PostgreSQL is down', () => {
    let pg: DisposablePostgres;
    let env: Record<string, string>;
    let ingest: Started<'ingest'>;

    before(async () => {
      pg = await startDisposablePostgres();
      env = testEnv({ DATABASE_URL: pg.url, RULE_WRITE_MAX_DELAY_MS: '2000' });
      ingest = await inProcess.ingest(env);
    });
    after(async () => {
      await ingest?.stop();
      await pg?.destroy();
    });

    it('exits in time without committing what it could not write; a new instance writes it', async () => {
      const checkpointer = await startChildService('checkpointer', env);
      const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 80 }).start();
      let exit: Exit | undefined;
      let committed = new Map<number, number>();
      let end = 0;
      try {
        await sleep(2000);
        await pg.stop('immediate');
        await sleep(3000);
        await load.stop();
        end = await topicEnd(BROKERS, env.CHECKPOINT_TOPIC!);

        checkpointer.kill('SIGTERM');
        exit = await checkpointer.exited(STOP_BOUND_MS + 5000);
        committed = await committedOffsets(BROKERS, env.CHECKPOINTER_GROUP!, env.CHECKPOINT_TOPIC!);
      } finally {
        checkpointer.kill('SIGKILL');
        await load.stop();
        await pg.start();
      }

      const next = await startChildService('checkpointer', env);
      try {
        const report = await awaitDelivery({
          fault: 'checkpointer SIGTERMed while PostgreSQL is down; restarted after',
          load,
          postgresUrl: pg.url,
          timeoutMs: 30_000,
          deadLetters: { brokers: BROKERS, topic: env.DEAD_LETTER_TOPIC! },
        });
        printReport(report, {
          'committed at exit / topic end': `${sum(committed)} / ${end}`,
          exit: `code ${exit?.code}, signal ${exit?.signal}, ${exit?.afterSignalMs} ms after SIGTERM`,
        });

        expect(exit?.afterSignalMs).to.be.below(STOP_BOUND_MS);
        expect(exit?.code).to.equal(0);
        expect(sum(committed)).to.be.below(end);
        expect(report.postgres?.lost).to.equal(0);
        expect(report.deadLetters).to.equal(0);
      } finally {
        next.kill('SIGKILL');
      }
    });
  });

  describe('the ingest API and the projector, under load', () => {
    const env = testEnv({ RULE_WRITE_MAX_DELAY_MS: '2000' });
    let checkpointer: Started<'checkpointer'>;
    let resume: Started<'resume'>;

    before(async () => {
      [checkpointer, resume] = await Promise.all([
        inProcess.checkpointer(env),
        inProcess.resume(env),
      ]);
    });
    after(async () => {
      await Promise.allSettled([checkpointer?.stop(), resume?.stop()]);
    });

    it('finish what they took, exit 0 in time, and lose nothing accepted', async () => {
      const [ingest, projector] = await Promise.all([
        startChildService('ingest-api', env),
        startChildService('projector', env),
      ]);
      let next: Awaited<ReturnType<typeof startChildService>> | null = null;
      const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 120 }).start();
      let ingestExit: Exit;
      let projectorExit: Exit;
      try {
        await sleep(3000);
        // Requests in flight finish; new connections are refused.
        ingest.kill('SIGTERM');
        projector.kill('SIGTERM');
        ingestExit = await ingest.exited(STOP_BOUND_MS + 5000);
        projectorExit = await projector.exited(STOP_BOUND_MS + 5000);
        await load.stop();
        next = await startChildService('projector', env);

        const report = await awaitDelivery({
          fault: 'ingest API and projector SIGTERMed under load; projector restarted',
          load,
          postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead',
          redis: { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.REDIS_PREFIX! },
          timeoutMs: 30_000,
          deadLetters: { brokers: BROKERS, topic: env.DEAD_LETTER_TOPIC! },
        });
        const messages = await topicEnd(BROKERS, env.CHECKPOINT_TOPIC!);
        printReport(report, {
          'messages in the topic': messages,
          'ingest exit': `code ${ingestExit.code}, ${ingestExit.afterSignalMs} ms after SIGTERM`,
          'projector exit': `code ${projectorExit.code}, ${projectorExit.afterSignalMs} ms after SIGTERM`,
        });

        expect(ingestExit.code).to.equal(0);
        expect(projectorExit.code).to.equal(0);
        expect(ingestExit.afterSignalMs).to.be.below(STOP_BOUND_MS);
        expect(projectorExit.afterSignalMs).to.be.below(STOP_BOUND_MS);
        expect(messages).to.be.at.least(load.accepted.length);
        expect(report.postgres?.lost).to.equal(0);
        expect(report.deadLetters).to.equal(0);
        expect(report.redis?.lost).to.equal(0);
      } finally {
        await load.stop();
        for (const child of [ingest, projector, next]) child?.kill('SIGKILL');
      }
    });
  });
});
