import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { UsageError } from '../src/errors.js';
import { readRanges, resolveRanges, type PartitionRange } from '../src/topic-range.js';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const T0 = Date.parse('2026-11-01T00:00:00Z');

describe('topic ranges: which offsets a command reads', function () {
  this.timeout(30_000);
  const kafka = new Kafka({ brokers: BROKERS, logLevel: logLevel.NOTHING });
  const topic = `test.ops-range.${randomBytes(4).toString('hex')}`;
  let admin: Admin;

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      // The messages carry timestamps from a month ago: without this the broker's 7-day
      // retention may delete them the moment its cleaner runs.
      topics: [
        {
          topic,
          numPartitions: 2,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: '-1' }],
        },
      ],
    });
    const producer = kafka.producer();
    await producer.connect();
    // Partition 0: offsets 0..9, one minute apart; partition 1: offsets 0..2.
    await producer.send({
      topic,
      acks: -1,
      messages: [
        ...Array.from({ length: 10 }, (_, i) => ({
          partition: 0,
          value: `p0-${i}`,
          timestamp: String(T0 + i * 60_000),
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          partition: 1,
          value: `p1-${i}`,
          timestamp: String(T0 + i * 60_000),
        })),
      ],
    });
    await producer.disconnect();
  });

  after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  async function read(ranges: PartitionRange[]): Promise<string[]> {
    const seen: string[] = [];
    await readRanges(
      kafka,
      admin,
      topic,
      ranges,
      (_p, messages: KafkaMessage[]) => {
        for (const m of messages) seen.push(m.value!.toString());
      },
      { purpose: 'test', idleTimeoutMs: 10_000 },
    );
    return seen.sort();
  }

  it('--from-offset to --to-offset is start inclusive, end exclusive, per partition', async () => {
    const ranges = await resolveRanges(admin, topic, {
      partitions: [0],
      from: { kind: 'offset', offset: 3n },
      to: { kind: 'offset', offset: 7n },
    });

    expect(ranges).to.deep.equal([{ partition: 0, start: 3n, end: 7n }]);
    expect(await read(ranges)).to.deep.equal(['p0-3', 'p0-4', 'p0-5', 'p0-6']);
  });

  it('times pick the first message at or after them; past the end means the end', async () => {
    const ranges = await resolveRanges(admin, topic, {
      from: { kind: 'time', ms: T0 + 2 * 60_000 },
      to: { kind: 'time', ms: T0 + 4 * 60_000 + 1 },
    });

    expect(ranges).to.deep.equal([
      { partition: 0, start: 2n, end: 5n },
      { partition: 1, start: 2n, end: 3n },
    ]);
    expect(await read(ranges)).to.deep.equal(['p0-2', 'p0-3', 'p0-4', 'p1-2']);
  });

  it('the default range is everything held, up to the end as it was at the start', async () => {
    const ranges = await resolveRanges(admin, topic, {
      from: { kind: 'earliest' },
      to: { kind: 'latest' },
    });

    expect(await read(ranges)).to.have.length(13);
  });

  it('an empty range reads nothing and returns at once', async () => {
    const ranges = await resolveRanges(admin, topic, {
      from: { kind: 'latest' },
      to: { kind: 'latest' },
    });

    expect(await read(ranges)).to.deep.equal([]);
  });

  it('an unknown partition, an offset past the end or an unknown topic is a usage error', async () => {
    const refused = (options: Parameters<typeof resolveRanges>[2], t = topic) =>
      resolveRanges(admin, t, options).then(
        () => null,
        (e: unknown) => e,
      );

    const partition = await refused({
      partitions: [5],
      from: { kind: 'earliest' },
      to: { kind: 'latest' },
    });
    expect(partition).to.be.instanceOf(UsageError);
    expect((partition as Error).message).to.match(/partitions 0 to 1; there is no 5/);

    const past = await refused({ from: { kind: 'offset', offset: 50n }, to: { kind: 'latest' } });
    expect((past as Error).message).to.match(/--from-offset 50 is past the end of partition 0/);

    const missing = await refused(
      { from: { kind: 'earliest' }, to: { kind: 'latest' } },
      `${topic}-x`,
    );
    expect((missing as Error).message).to.match(/does not exist/);
  });
});
