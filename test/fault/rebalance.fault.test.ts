import { expect } from 'chai';
import { CheckpointLoad } from '../support/checkpoint-load.js';
import { awaitDelivery, metric, printReport, topicEnd } from '../support/delivery-audit.js';
import { inProcess, sleep } from '../support/in-process.js';
import { testEnv } from '../support/pipeline.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

/**
 * Under a steady stream, each consumer group grows from one instance to two (partitions
 * move to the newcomer) and shrinks back to one (the first instance leaves; its partitions
 * move back). Each partition's new owner starts from the committed offset, which is never
 * past an unwritten checkpoint, so nothing accepted is lost.
 */
describe('fault: consumer groups grow from one instance to two and back', function () {
  this.timeout(90_000);
  const env = testEnv({ RULE_WRITE_MAX_DELAY_MS: '2000', CONSUMER_SESSION_TIMEOUT_MS: '6000' });
  let ingest: Started<'ingest'>;
  const running: Array<{ stop(): Promise<void> }> = [];

  before(async () => {
    ingest = await inProcess.ingest(env);
  });

  after(async () => {
    await Promise.allSettled(running.map((s) => s.stop()));
    await ingest?.stop();
  });

  async function pair() {
    const [checkpointer, projector] = await Promise.all([
      inProcess.checkpointer(env),
      inProcess.projector(env),
    ]);
    running.push(checkpointer, projector);
    return { checkpointer, projector };
  }

  it('loses no accepted checkpoint while partitions move', async () => {
    const first = await pair();
    const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 120 }).start();
    let second: Awaited<ReturnType<typeof pair>>;
    let readBy: Record<string, number> = {};
    try {
      await sleep(3000);
      second = await pair();
      await sleep(5000);

      // Counted before the first pair leaves: a stopped service has no metrics port.
      readBy = {
        'checkpointer 1': await metric(first.checkpointer.url, 'checkpointer_checkpoints_in_total'),
        'projector 1': await metric(first.projector.url, 'projector_checkpoints_in_total'),
      };
      await Promise.all([first.checkpointer.stop(), first.projector.stop()]);
      running.splice(0, 2);
      await sleep(4000);
    } finally {
      await load.stop();
    }

    const report = await awaitDelivery({
      fault: 'each group: one instance, then two, then one (the first left gracefully)',
      load,
      postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead',
      redis: { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.REDIS_PREFIX! },
      timeoutMs: 30_000,
      deadLetters: {
        brokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        topic: env.DEAD_LETTER_TOPIC!,
      },
    });
    readBy['checkpointer 2'] = await metric(
      second!.checkpointer.url,
      'checkpointer_checkpoints_in_total',
    );
    readBy['projector 2'] = await metric(second!.projector.url, 'projector_checkpoints_in_total');
    const messages = await topicEnd(env.KAFKA_BROKERS ?? '127.0.0.1:9092', env.CHECKPOINT_TOPIC!);
    const checkpointerReads = readBy['checkpointer 1']! + readBy['checkpointer 2']!;
    const projectorReads = readBy['projector 1']! + readBy['projector 2']!;
    printReport(report, {
      'messages in the topic': messages,
      'checkpoints read, by instance': readBy,
      'read again by a new owner from the committed offset (checkpointer, projector)': `${checkpointerReads - messages}, ${projectorReads - messages}`,
    });

    // Both instances of each group did work: the partitions really moved.
    for (const n of Object.values(readBy)) expect(n).to.be.greaterThan(0);
    expect(checkpointerReads).to.be.at.least(messages);
    expect(projectorReads).to.be.at.least(messages);
    expect(report.postgres?.lost).to.equal(0);
    expect(report.deadLetters).to.equal(0);
    expect(report.redis?.lost).to.equal(0);
    expect(report.postgres?.wrongPosition).to.equal(0);
    expect(report.redis?.wrongPosition).to.equal(0);
  });
});
