import { expect } from 'chai';
import { startChildService, type ChildService } from '../support/child-service.js';
import { CheckpointLoad } from '../support/checkpoint-load.js';
import { awaitDelivery, printReport } from '../support/delivery-audit.js';
import { inProcess, sleep } from '../support/in-process.js';
import { testEnv } from '../support/pipeline.js';

/**
 * The consumers crash (SIGKILL, no chance to write or commit) under a steady stream of
 * checkpoints and are started again: what the ingest API accepted still reaches both
 * stores, because offsets are committed only past what is written.
 */
describe('fault: the checkpointer and the projector are killed with SIGKILL', function () {
  this.timeout(90_000);
  const env = testEnv({
    RULE_WRITE_MAX_DELAY_MS: '2000',
    CONSUMER_SESSION_TIMEOUT_MS: '6000',
  });
  let ingest: Awaited<ReturnType<typeof inProcess.ingest>>;
  const children: ChildService[] = [];

  before(async () => {
    ingest = await inProcess.ingest(env);
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await ingest?.stop();
  });

  async function start(name: 'checkpointer' | 'projector'): Promise<ChildService> {
    const child = await startChildService(name, env);
    children.push(child);
    return child;
  }

  it('loses no accepted checkpoint', async () => {
    let [checkpointer, projector] = await Promise.all([start('checkpointer'), start('projector')]);
    const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 120 }).start();
    try {
      await sleep(4000);

      checkpointer.kill('SIGKILL');
      await checkpointer.exited(5000);
      await sleep(1000);
      checkpointer = await start('checkpointer');
      await sleep(2000);

      projector.kill('SIGKILL');
      await projector.exited(5000);
      await sleep(1000);
      projector = await start('projector');
      await sleep(3000);
    } finally {
      await load.stop();
    }
    const report = await awaitDelivery({
      fault: 'checkpointer and projector SIGKILLed and restarted under load',
      load,
      postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead',
      redis: { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.REDIS_PREFIX! },
      timeoutMs: 30_000,
      deadLetters: {
        brokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        topic: env.DEAD_LETTER_TOPIC!,
      },
    });
    printReport(report);

    expect(load.accepted.length).to.be.greaterThan(500);
    expect(report.postgres?.lost).to.equal(0);
    expect(report.deadLetters).to.equal(0);
    expect(report.redis?.lost).to.equal(0);
    expect(report.postgres?.wrongPosition).to.equal(0);
    expect(report.redis?.wrongPosition).to.equal(0);
  });
});
