import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { CheckpointCodec } from '@playhead/events';
import { CheckpointLoad } from '../support/checkpoint-load.js';
import { awaitDelivery, printReport, topicEnd } from '../support/delivery-audit.js';
import { startDisposableKafka, type DisposableKafka } from '../support/disposable-kafka.js';
import { inProcess, sleep } from '../support/in-process.js';
import { testEnv } from '../support/pipeline.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

const PUBLISH_TIMEOUT_MS = 2000;

/**
 * The broker (a disposable one) is killed with SIGKILL under a steady stream and started
 * again. While it is gone the ingest API answers 503 with Retry-After within its bound, and
 * never 202 for an event Kafka does not hold; afterwards the consumers reconnect and every
 * accepted checkpoint reaches both stores.
 */
describe('fault: the Kafka broker is killed and restarted', function () {
  this.timeout(120_000);
  let kafka: DisposableKafka;
  let env: Record<string, string>;
  let ingest: Started<'ingest'>;
  let checkpointer: Started<'checkpointer'>;
  let projector: Started<'projector'>;

  before(async () => {
    kafka = await startDisposableKafka();
    env = testEnv({
      KAFKA_BROKERS: kafka.brokers,
      PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
      RULE_WRITE_MAX_DELAY_MS: '2000',
      // Shorter than the outage, so the group forgets its members while the broker is down
      // and the consumers come back to "the coordinator is not aware of this member".
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
    });
    ingest = await inProcess.ingest(env);
    [checkpointer, projector] = await Promise.all([
      inProcess.checkpointer(env),
      inProcess.projector(env),
    ]);
  });

  after(async () => {
    await Promise.allSettled([checkpointer?.stop(), projector?.stop(), ingest?.stop()]);
    await kafka?.destroy();
  });

  /** The event ids of every message in the topic. */
  async function eventIdsInTopic(): Promise<Set<string>> {
    const total = await topicEnd(kafka.brokers, env.CHECKPOINT_TOPIC!);
    const codec = CheckpointCodec.forDecoding(env.SCHEMA_REGISTRY_URL ?? REGISTRY);
    const client = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING });
    const consumer = client.consumer({ groupId: `audit-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic: env.CHECKPOINT_TOPIC!, fromBeginning: true });
    const ids = new Set<string>();
    let seen = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          ids.add((await codec.decode(message.value!)).event_id);
          seen += 1;
          if (seen === total) resolve();
        },
      });
    });
    await consumer.disconnect();
    return ids;
  }

  it('answers 503 while it is gone, never 202 for an event it does not hold, and loses nothing', async () => {
    // The answers are timed in this process, which also runs the services: a stalled event
    // loop (a busy shared machine) delays an answer without any fault of the bound.
    const stall = monitorEventLoopDelay({ resolution: 20 });
    stall.enable();
    const load = new CheckpointLoad({ ingestUrl: ingest.url, ratePerSecond: 100 }).start();
    let downAt = 0;
    let upAt = 0;
    let acceptedWhileDown = 0;
    try {
      await sleep(4000);
      const before = load.accepted.length;
      await kafka.stop('SIGKILL');
      downAt = Date.now();
      await sleep(4000);
      // Received after the kill and before the restart began: none can be in Kafka.
      const restartAt = Date.now();
      acceptedWhileDown = load.accepted.filter(
        (a) => a.eventTime > downAt + 500 && a.eventTime < restartAt,
      ).length;
      await kafka.start();
      upAt = Date.now();
      await sleep(5000);
      expect(load.accepted.length).to.be.greaterThan(before);
    } finally {
      await load.stop();
      stall.disable();
    }
    const stallMs = Math.round(stall.max / 1e6);

    const report = await awaitDelivery({
      fault: `Kafka broker SIGKILLed, back after ${((upAt - downAt) / 1000).toFixed(1)} s, under load`,
      load,
      postgresUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead',
      redis: { url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.REDIS_PREFIX! },
      timeoutMs: 45_000,
      deadLetters: { brokers: kafka.brokers, topic: env.DEAD_LETTER_TOPIC! },
      since: upAt,
    });
    const inTopic = await eventIdsInTopic();
    const acceptedNotInKafka = load.accepted.filter((a) => !inTopic.has(a.eventId)).length;
    const others = [...load.statuses.keys()].filter((s) => s !== 202 && s !== 503);
    printReport(report, {
      'answered 202 but not in Kafka': acceptedNotInKafka,
      'answered 202 while the broker was down': acceptedWhileDown,
      '503 without Retry-After': load.missingRetryAfter,
      'slowest answer (ms)': load.slowestMs,
      'longest event-loop stall in the test process (ms)': stallMs,
      'messages in the topic': inTopic.size,
      'answered 503 but in Kafka (sent before their deadline, confirmed after)':
        inTopic.size - load.accepted.length,
      'statuses other than 202 and 503': others.join(' ') || 'none',
    });

    expect(acceptedNotInKafka).to.equal(0);
    expect(acceptedWhileDown).to.equal(0);
    expect(load.count(503)).to.be.greaterThan(0);
    expect(load.missingRetryAfter).to.equal(0);
    expect(others).to.deep.equal([]);
    expect(load.slowestMs).to.be.below(PUBLISH_TIMEOUT_MS + 1500 + stallMs);
    expect(report.postgres?.lost).to.equal(0);
    expect(report.deadLetters).to.equal(0);
    expect(report.redis?.lost).to.equal(0);
    expect(report.postgres?.wrongPosition).to.equal(0);
    expect(report.redis?.wrongPosition).to.equal(0);
  });
});

const REGISTRY = 'http://127.0.0.1:8081/apis/ccompat/v7';
