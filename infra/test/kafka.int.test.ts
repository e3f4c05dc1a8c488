// Proves that kafkajs 2.2.4, the last release, works against the pinned broker (Kafka 4.1,
// which dropped the oldest protocol versions) for every call the system makes.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';

import { KAFKA_BROKERS, REPO_ROOT, eventually, uniqueName } from './env.js';

const kafka = new Kafka({
  clientId: 'playhead-infra-smoke',
  brokers: KAFKA_BROKERS,
  logLevel: logLevel.WARN,
});

describe('Kafka with kafkajs', function () {
  // The first group ever joined makes the broker create __consumer_offsets.
  this.timeout(60_000);

  let admin: Admin;
  let producer: Producer;
  let topic: string;
  let groupId: string;
  const consumers: Consumer[] = [];
  const created: string[] = [];

  before(async () => {
    admin = kafka.admin();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([admin.connect(), producer.connect()]);
  });

  beforeEach(async () => {
    topic = uniqueName('smoke-kafka');
    groupId = uniqueName('smoke-group');
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  });

  // Kafka keeps topics on disk across restarts, so the suite deletes its own; but only at
  // the end, once the producer is gone. A kafkajs client keeps every topic it has used in
  // its metadata requests, and with topic auto-creation off, one deleted topic makes every
  // later request fail with "This server does not host this topic-partition"
  // (tulios/kafkajs#1146, #1622). The services never delete topics.
  after(async () => {
    await producer?.disconnect();
    if (admin && created.length > 0) await admin.deleteTopics({ topics: created });
    await admin?.disconnect();
  });

  async function createTopic(partitions: number): Promise<void> {
    const isNew = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: String(7 * 24 * 3600 * 1000) }],
        },
      ],
    });
    expect(isNew, 'createTopics reports a new topic').to.equal(true);
    created.push(topic);
  }

  /** Consumes from the group's committed offsets (or the start) until stopped. */
  async function consume(onMessage: (m: KafkaMessage, partition: number) => Promise<void>) {
    // A short fetch wait, so disconnect() need not sit out a 5 s long poll.
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
    });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => onMessage(message, partition),
    });
    return consumer;
  }

  it('creates a topic with its config and lists it', async () => {
    await createTopic(3);

    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata?.partitions).to.have.length(3);
    expect(await admin.listTopics()).to.include(topic);

    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2 /* TOPIC */, name: topic, configNames: ['retention.ms'] }],
    });
    expect(resources[0]?.configEntries[0]?.configValue).to.equal(String(7 * 24 * 3600 * 1000));
  });

  it('produces with acks -1 and gets offsets back', async () => {
    await createTopic(1);

    const [first] = await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'k', value: 'a' },
        { key: 'k', value: 'b' },
      ],
    });
    const [second] = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'c' }] });

    expect(first).to.include({ topicName: topic, partition: 0, baseOffset: '0', errorCode: 0 });
    expect(second).to.include({ partition: 0, baseOffset: '2' });
  });

  it('consumes in a group with manual commits, and reads the committed offsets back', async () => {
    await createTopic(1);
    await producer.send({
      topic,
      acks: -1,
      messages: ['a', 'b', 'c', 'd', 'e'].map((value) => ({ key: 'k', value })),
    });

    // Commits after the third message only: the group's offset must say 3, not 5.
    const seen: string[] = [];
    const consumer = await consume(async (message, partition) => {
      seen.push(message.value!.toString());
      if (seen.length === 3) {
        const next = (BigInt(message.offset) + 1n).toString();
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
      }
    });
    await eventually('five messages', () => seen.length === 5);
    await consumer.disconnect();

    expect(seen).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets?.partitions).to.deep.equal([{ partition: 0, offset: '3', metadata: null }]);
  });

  it('sets a group offset, and a new member resumes from it', async () => {
    await createTopic(1);
    await producer.send({
      topic,
      acks: -1,
      messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })),
    });

    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets?.partitions[0]?.offset).to.equal('2');

    const seen: string[] = [];
    await consume(async (message) => {
      seen.push(message.value!.toString());
    });
    await eventually('two messages', () => seen.length === 2);
    expect(seen).to.deep.equal(['c', 'd']);
  });

  it('looks up offsets by timestamp', async () => {
    await createTopic(2);
    const t0 = Date.now() - 60_000;
    await producer.send({
      topic,
      acks: -1,
      messages: [0, 1, 2].map((i) => ({
        partition: 0,
        value: `m${i}`,
        timestamp: String(t0 + i * 1000),
      })),
    });

    const byPartition = async (ts: number) =>
      Object.fromEntries(
        (await admin.fetchTopicOffsetsByTimestamp(topic, ts)).map((p) => [p.partition, p.offset]),
      );

    // The first message at or after the time; past the last one, the end of the partition.
    expect(await byPartition(t0 + 500)).to.deep.equal({ 0: '1', 1: '0' });
    expect(await byPartition(t0)).to.deep.equal({ 0: '0', 1: '0' });
    expect(await byPartition(t0 + 10_000)).to.deep.equal({ 0: '3', 1: '0' });
  });

  it("places keys on the partitions Java's producer picks (murmur2)", async function () {
    // A run of Java through the real kafka-clients jar, from the stack's jar cache.
    this.timeout(90_000);
    const partitions = 12;
    await createTopic(partitions);
    const keys = [
      'acct-1|prof-1|vid-1',
      'acct-42|prof-7|vid-9000',
      'a3f9c2e4-7b1d-4c8e-9f20-5d6a1b2c3e4f',
      'k',
      '', // empty but present: hashed like any key, not spread like a missing one
      'écran-été-ü', // multibyte UTF-8
    ];

    const expected = await javaPartitions(partitions, keys);
    const placed: number[] = [];
    for (const key of keys) {
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value: 'v' }] });
      placed.push(meta!.partition);
    }

    expect(placed).to.deep.equal(expected);
    expect(new Set(expected).size, 'the keys spread over several partitions').to.be.above(2);
  });
});

const execFileAsync = promisify(execFile);

/** The partition of each key per Java's producer, from infra/test/java/PartitionForKey.java. */
async function javaPartitions(partitions: number, keys: string[]): Promise<number[]> {
  // infra/stack.sh links the cached Kafka jars here; it holds kafka-clients and slf4j-api.
  const lib = process.env.KAFKA_LIB_DIR ?? join(REPO_ROOT, '.stack/kafka/lib');
  if (!existsSync(lib)) {
    throw new Error(`no Kafka jars at ${lib}: start the stack (npm run stack:up) first`);
  }
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin/java') : 'java';
  const source = join(REPO_ROOT, 'infra/test/java/PartitionForKey.java');
  const hexKeys = keys.map((k) => Buffer.from(k, 'utf8').toString('hex'));

  const { stdout } = await execFileAsync(java, [
    '-cp',
    `${lib}/*`,
    source,
    String(partitions),
    ...hexKeys,
  ]);
  return stdout.trim().split('\n').map(Number);
}
