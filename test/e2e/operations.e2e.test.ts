import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { keyString, type ResumeKey } from '@playhead/domain';
import { CheckpointCodec, DEAD_LETTER_HEADERS, toEvent } from '@playhead/events';
import {
  GroupActiveError,
  listDeadLetters,
  loadOpsSettings,
  OpsContext,
  partitionOf,
  rebuildCache,
  replay,
  resendDeadLetters,
  resetOffsets,
  showOffsets,
  tail,
  type TailLine,
} from '@playhead/ops';
import { createPool, createRedis, selectResumeState, type Pool, type Redis } from '@playhead/store';
import {
  drain,
  eventually,
  freshId,
  getJson,
  postJson,
  startPipeline,
  type Pipeline,
} from '../support/pipeline.js';

const PARTITIONS = 4;
const CLI = fileURLToPath(new URL('../../packages/ops/bin/playhead.js', import.meta.url));

describe('operator commands against a running pipeline', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  let ctx: OpsContext;
  let db: Pool;
  let redis: Redis;
  let kafka: Kafka;
  let producer: Producer;
  const account = freshId('ops');
  const keys: ResumeKey[] = [];

  before(async () => {
    pipeline = await startPipeline({ TOPIC_PARTITIONS: String(PARTITIONS) });
    ctx = new OpsContext(loadOpsSettings(pipeline.env));
    db = createPool(pipeline.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead');
    redis = createRedis(pipeline.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableOfflineQueue: true,
    });
    kafka = new Kafka({
      brokers: (pipeline.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();

    // Two profiles, six videos each; every kind of event, a large rewind and a completion.
    const base = Date.now() - 3_600_000;
    const story = [
      ['start', 0],
      ['heartbeat', 30],
      ['seek', 1500],
      ['heartbeat', 1530],
      ['start', 0],
      ['heartbeat', 40],
      ['pause', 45],
      ['seek', 5000],
      ['stop', 5100],
    ] as const;
    const checkpoints: Record<string, unknown>[] = [];
    for (const profile of ['p1', 'p2']) {
      for (let v = 1; v <= 6; v += 1) {
        const video = `v${v}`;
        keys.push({ accountId: account, profileId: profile, videoId: video });
        // Some videos stop early, so rows differ in position, hold and completion.
        story.slice(0, 3 + v).forEach(([event, position], i) => {
          checkpoints.push({
            account_id: account,
            profile_id: profile,
            video_id: video,
            device_id: `dev-${profile}`,
            position_seconds: position,
            event,
            duration_seconds: 5400,
            client_ts: new Date(base + i * 40_000).toISOString(),
          });
        });
      }
    }
    const res = await postJson(`${pipeline.ingest.url}/playback/batch`, {
      sent_at: new Date(base + 3_600_000).toISOString(),
      checkpoints,
    });
    expect(res.status).to.equal(202);
    await drain(pipeline);
  });

  after(async () => {
    // rebuild-cache filled the suite's prefix from the whole table: leave no keys behind.
    if (redis && pipeline) await deletePrefix();
    await producer?.disconnect();
    await ctx?.close();
    await pipeline?.stop();
    await db?.end();
    redis?.disconnect();
  });

  /** The account's rows, every column but written_at (the time of the write itself). */
  async function rows(): Promise<unknown[]> {
    const result = await db.query(
      `SELECT account_id, profile_id, video_id, position_seconds, duration_seconds, device_id,
         completed, updated_at, moved_at, held_position_seconds, held_device_id, held_at, hidden_at
       FROM resume_state WHERE account_id = $1 ORDER BY profile_id, video_id`,
      [account],
    );
    return result.rows;
  }

  const topic = () => pipeline.env.CHECKPOINT_TOPIC!;
  const prefix = () => pipeline.env.REDIS_PREFIX!;

  it('replaying a partition rebuilds its deleted rows exactly as they were', async () => {
    const before = await rows();
    expect(before).to.have.length(12);
    const partition = partitionOf(keyString(keys[0]!), PARTITIONS);
    const lost = keys.filter((k) => partitionOf(keyString(k), PARTITIONS) === partition);
    await db.query(
      `DELETE FROM resume_state WHERE account_id = $1 AND profile_id || '#' || video_id = ANY($2)`,
      [account, lost.map((k) => `${k.profileId}#${k.videoId}`)],
    );
    expect(await rows()).to.have.length(12 - lost.length);

    const dry = await replay(ctx, {
      topic: topic(),
      partitions: [partition],
      from: { kind: 'earliest' },
      to: { kind: 'latest' },
      target: 'postgres',
      prefix: prefix(),
      dryRun: true,
    });
    expect(dry.targets.postgres!.changed).to.equal(lost.length);
    expect(await rows()).to.have.length(12 - lost.length);

    const report = await replay(ctx, {
      topic: topic(),
      partitions: [partition],
      from: { kind: 'earliest' },
      to: { kind: 'latest' },
      target: 'postgres',
      prefix: prefix(),
    });

    expect(report.ranges.map((r) => r.partition)).to.deep.equal([partition]);
    expect(report.skipped).to.deep.equal([]);
    expect(report.targets.postgres!.changed).to.equal(lost.length);
    expect(await rows()).to.deep.equal(before);
  });

  it('a replay of the whole topic into both stores changes nothing already there', async () => {
    const before = await rows();

    const report = await replay(ctx, {
      topic: topic(),
      from: { kind: 'earliest' },
      to: { kind: 'latest' },
      target: 'both',
      prefix: prefix(),
    });

    expect(report.targets.postgres!.changed).to.equal(0);
    expect(report.targets.redis!.changed).to.equal(0);
    expect(await rows()).to.deep.equal(before);
  });

  async function deletePrefix(): Promise<void> {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix()}:*`, 'COUNT', 500);
      if (found.length > 0) await redis.del(...found);
      cursor = next;
    } while (cursor !== '0');
  }

  it('after Redis loses the prefix, rebuild-cache makes every resume read match PostgreSQL', async () => {
    await deletePrefix();

    const report = await rebuildCache(ctx, { prefix: prefix(), batchSize: 7 });

    // The whole table is walked; this account's 12 entries are among those written.
    expect(report.rows).to.be.at.least(12);
    expect(await redis.keys(`${prefix()}:{${account}:*:v:*`)).to.have.length(12);
    for (const key of keys) {
      const stored = await selectResumeState(db, key);
      const { status, body } = await getJson(
        `${pipeline.resume.url}/playback/resume?account_id=${key.accountId}&profile_id=${key.profileId}&video_id=${key.videoId}`,
      );
      expect(status, keyString(key)).to.equal(200);
      expect(body).to.include({
        position_seconds: stored!.state.positionSeconds,
        completed: stored!.state.completed,
        device_id: stored!.state.deviceId,
        updated_at: new Date(stored!.state.updatedAt).toISOString(),
      });
    }
    const metrics = await (await fetch(`${pipeline.resume.url}/metrics`)).text();
    expect(metrics).to.match(/resume_cache_lookups_total\{result="hit"[^}]*\} 12/);
  });

  it('tail --key prints exactly that key’s events, in offset order', async () => {
    const lines: TailLine[] = [];
    const key = keyString(keys[3]!);

    await tail(ctx, { topic: topic(), key, from: { kind: 'start' } }, (line) => lines.push(line));

    expect(lines).to.have.length(3 + 4);
    expect(lines.every((l) => l.key === key && l.event?.video_id === 'v4')).to.equal(true);
    const offsets = lines.map((l) => BigInt(l.offset));
    expect(offsets).to.deep.equal([...offsets].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('a garbage message is dead-lettered by both consumers and listed with its error', async () => {
    const [sent] = await producer.send({
      topic: topic(),
      acks: -1,
      messages: [{ key: `${account}#p9#garbage`, value: Buffer.from('not avro at all') }],
    });

    const letters = await eventually(async () => {
      const all = await listDeadLetters(ctx, { deadLetterTopic: pipeline.env.DEAD_LETTER_TOPIC! });
      const ours = all.filter((l) => l.source.offset === sent!.baseOffset);
      expect(ours).to.have.length(2);
      return ours;
    }, 15_000);

    expect(letters.map((l) => l.consumer).sort()).to.deep.equal(
      [pipeline.env.CHECKPOINTER_GROUP, pipeline.env.PROJECTOR_GROUP].sort(),
    );
    for (const letter of letters) {
      expect(letter.error).to.match(/wire format/);
      expect(letter.source).to.deep.equal({
        topic: topic(),
        partition: sent!.partition,
        offset: sent!.baseOffset,
      });
    }
  });

  it('a valid checkpoint sent back from the dead-letter topic is applied, once', async () => {
    const key = { accountId: account, profileId: 'p3', videoId: 'v-dlq' };
    const codec = await CheckpointCodec.register(ctx.settings.SCHEMA_REGISTRY_URL, topic());
    const eventTime = Date.now() - 60_000;
    const value = await codec.encode(
      toEvent(
        {
          ...key,
          deviceId: 'dev-dlq',
          positionSeconds: 777,
          event: 'pause',
          durationSeconds: 5400,
          sessionId: null,
          eventTime,
        },
        { eventId: freshId('evt'), receivedAt: eventTime, clientTs: null },
      ),
    );
    // As both consumer groups would have dead-lettered it, during a registry outage say.
    const headers = (consumer: string) => ({
      [DEAD_LETTER_HEADERS.error]: 'registry unreachable',
      [DEAD_LETTER_HEADERS.topic]: topic(),
      [DEAD_LETTER_HEADERS.partition]: '0',
      [DEAD_LETTER_HEADERS.offset]: '999999',
      [DEAD_LETTER_HEADERS.consumer]: consumer,
      'trace-id': 'kept',
    });
    const [dlq] = await producer.send({
      topic: pipeline.env.DEAD_LETTER_TOPIC!,
      acks: -1,
      messages: [
        { key: keyString(key), value, headers: headers(pipeline.env.CHECKPOINTER_GROUP!) },
        { key: keyString(key), value, headers: headers(pipeline.env.PROJECTOR_GROUP!) },
      ],
    });
    const first = BigInt(dlq!.baseOffset!);

    const report = await resendDeadLetters(ctx, {
      deadLetterTopic: pipeline.env.DEAD_LETTER_TOPIC!,
      defaultTopic: topic(),
      offsets: [first, first + 1n],
    });

    expect(report.sent).to.have.length(1);
    expect(report.duplicates).to.have.length(1);
    await eventually(async () => {
      const { status, body } = await getJson(
        `${pipeline.resume.url}/playback/resume?account_id=${account}&profile_id=p3&video_id=v-dlq`,
      );
      expect(status).to.equal(200);
      expect(body.position_seconds).to.equal(777);
    }, 15_000);
    await drain(pipeline);
    expect((await selectResumeState(db, key))?.state.positionSeconds).to.equal(777);
    const [resent] = (await tailAll((l) => l.key === keyString(key))).filter(
      (l) => l.event?.position_seconds === 777,
    );
    expect(resent).to.not.equal(undefined);
  });

  async function tailAll(keep: (line: TailLine) => boolean): Promise<TailLine[]> {
    const lines: TailLine[] = [];
    await tail(ctx, { topic: topic(), from: { kind: 'start' } }, (l) => keep(l) && lines.push(l));
    return lines;
  }

  it('offsets shows both groups caught up after a drain', async () => {
    await drain(pipeline);

    const groups = await showOffsets(ctx, {
      topic: topic(),
      groups: [pipeline.env.CHECKPOINTER_GROUP!, pipeline.env.PROJECTOR_GROUP!],
    });

    for (const g of groups) {
      expect(g.state, g.group).to.equal('Stable');
      expect(g.members, g.group).to.have.length(1);
      expect(g.totalLag, g.group).to.equal(0n);
      expect(g.partitions).to.have.length(PARTITIONS);
    }
  });

  it('an offsets reset is refused while the group has live members, and nothing moves', async () => {
    const group = pipeline.env.CHECKPOINTER_GROUP!;
    const before = await showOffsets(ctx, { topic: topic(), groups: [group] });

    const refused = await resetOffsets(ctx, {
      group,
      topic: topic(),
      to: { kind: 'earliest' },
    }).then(
      () => null,
      (error: unknown) => error,
    );

    expect(refused).to.be.instanceOf(GroupActiveError);
    expect((refused as Error).message).to.match(/live member.*stop its consumers/);
    const after = await showOffsets(ctx, { topic: topic(), groups: [group] });
    expect(after[0]!.partitions).to.deep.equal(before[0]!.partitions);
  });

  it('the CLI exits 1 with the reason when the reset is refused, 2 on a bad flag', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], {
        env: pipeline.env,
        encoding: 'utf8',
        timeout: 20_000,
      });

    const refused = run(
      'offsets',
      'reset',
      '--group',
      pipeline.env.CHECKPOINTER_GROUP!,
      '--to-earliest',
    );
    expect(refused.status, refused.stderr).to.equal(1);
    expect(refused.stderr).to.match(/playhead offsets reset: error: consumer group .* live member/);

    const bad = run('replay', '--target', 'elsewhere');
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/--target/);
  });
});
