import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { ResumeKey, ResumeState } from '@playhead/domain';
import { createPool, createRedis, readEntry, upsertResumeStates } from '@playhead/store';
import {
  startDisposablePostgres,
  type DisposablePostgres,
} from '../support/disposable-postgres.js';
import { startDisposableRedis, type DisposableRedis } from '../support/disposable-redis.js';
import { inProcess } from '../support/in-process.js';
import { eventually, testEnv } from '../support/pipeline.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

const REDIS_TIMEOUT_MS = 50;
const DATABASE_TIMEOUT_MS = 500;
/** What "quickly" means for a 503: both bounds, plus a little for the machine. */
const ANSWER_BOUND_MS = REDIS_TIMEOUT_MS + DATABASE_TIMEOUT_MS + 400;

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: Record<string, unknown> | null;
}

/**
 * The resume API in front of its own Redis and PostgreSQL, each stopped, hung or both: it
 * answers from whichever store answers in time, with the key that was asked for, and 503
 * with Retry-After within its bounds when neither does.
 */
describe('fault: the resume API with Redis, PostgreSQL or both down', function () {
  this.timeout(60_000);
  let pg: DisposablePostgres;
  let redis: DisposableRedis;
  let resume: Started<'resume'>;
  let prefix: string;
  const account = `stores-${randomBytes(4).toString('hex')}`;
  const keys: ResumeKey[] = ['v1', 'v2', 'v3'].map((videoId) => ({
    accountId: account,
    profileId: 'p1',
    videoId,
  }));
  const results: string[] = [];

  before(async () => {
    [pg, redis] = await Promise.all([startDisposablePostgres(), startDisposableRedis()]);
    const env = testEnv({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
      DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS),
    });
    // Each key's own position and duration, so an answer shows whose state it carries.
    const db = createPool(pg.url, { max: 1 });
    await upsertResumeStates(
      db,
      keys.map((key, i) => ({ key, state: state(600 + i * 100, 7000 + i) })),
    );
    await db.end();
    prefix = env.REDIS_PREFIX!;
    resume = await inProcess.resume(env);
    await warmCache();
  });

  /**
   * Reads through the API until a miss has filled Redis with every key, as players' reads
   * would; after a Redis restart the API's client needs a moment to reconnect first.
   */
  async function warmCache(): Promise<void> {
    const client = createRedis(redis.url, { lazyConnect: true });
    await client.connect();
    try {
      await eventually(async () => {
        for (const key of keys) expect((await read(key)).status).to.equal(200);
        for (const key of keys) expect(await readEntry(client, prefix, key)).to.not.equal(null);
      }, 10_000);
    } finally {
      client.disconnect();
    }
  }

  after(async () => {
    await resume?.stop();
    await Promise.allSettled([pg?.destroy(), redis?.destroy()]);
    console.log(['[fault] resume API with stores down', ...results].join('\n'));
  });

  function state(position: number, duration: number): ResumeState {
    const at = Date.now() - 60_000;
    return {
      positionSeconds: position,
      updatedAt: at,
      deviceId: 'tv-1',
      durationSeconds: duration,
      completed: false,
      movedAt: at,
      held: null,
    };
  }

  async function read(key: ResumeKey, path = '/playback/resume', method = 'GET'): Promise<Answer> {
    const query = new URLSearchParams({
      account_id: key.accountId,
      profile_id: key.profileId,
      video_id: key.videoId,
    });
    const started = Date.now();
    const res = await fetch(`${resume.url}${path}?${query}`, {
      method,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      ms: Date.now() - started,
      retryAfter: res.headers.get('retry-after'),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    };
  }

  /** Reads every key a few times; checks each 200 carries the key's own state. */
  async function readAll(situation: string): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (const [i, key] of keys.entries()) {
        const answer = await read(key);
        answers.push(answer);
        if (answer.status === 200) {
          expect(answer.body?.video_id).to.equal(key.videoId);
          expect(answer.body?.position_seconds).to.equal(600 + i * 100);
          expect(answer.body?.duration_seconds).to.equal(7000 + i);
        }
      }
    }
    const statuses = [...new Set(answers.map((a) => a.status))].join(', ');
    const slowest = Math.max(...answers.map((a) => a.ms));
    results.push(
      `  ${situation}: ${answers.length} reads, status ${statuses}, slowest ${slowest} ms`,
    );
    return answers;
  }

  it('Redis killed: PostgreSQL answers', async () => {
    await redis.stop('SIGKILL');
    const answers = await readAll('Redis killed');
    expect(answers.every((a) => a.status === 200)).to.equal(true);
    expect(Math.max(...answers.map((a) => a.ms))).to.be.below(ANSWER_BOUND_MS);
  });

  it('Redis hung: PostgreSQL answers after the Redis bound', async () => {
    await redis.start();
    await warmCache();
    redis.freeze();
    try {
      const answers = await readAll('Redis hung (SIGSTOP)');
      expect(answers.every((a) => a.status === 200)).to.equal(true);
      expect(Math.max(...answers.map((a) => a.ms))).to.be.below(ANSWER_BOUND_MS);
    } finally {
      redis.thaw();
    }
  });

  it('PostgreSQL down: Redis answers', async () => {
    await pg.stop('immediate');
    const answers = await readAll('PostgreSQL stopped, Redis up');
    expect(answers.every((a) => a.status === 200)).to.equal(true);
  });

  it('both down: 503 with Retry-After, quickly, for every read path', async () => {
    await redis.stop('SIGKILL');
    const answers = await readAll('PostgreSQL stopped and Redis killed');
    const list = await read(keys[0]!, '/playback/continue-watching');
    const hide = await read(keys[0]!, `/playback/continue-watching/${keys[0]!.videoId}`, 'DELETE');
    results.push(
      `  both down, continue watching: status ${list.status}, ${list.ms} ms; hide: status ${hide.status}, ${hide.ms} ms`,
    );

    for (const answer of [...answers, list, hide]) {
      expect(answer.status).to.equal(503);
      expect(answer.retryAfter).to.be.a('string');
      expect(answer.ms).to.be.below(ANSWER_BOUND_MS);
    }
  });

  it('both down with Redis hung: 503 within the bounds', async () => {
    await redis.start();
    // Connected (the API's client reconnects within 2 s), then hung.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    redis.freeze();
    try {
      const answers = await readAll('PostgreSQL stopped and Redis hung');
      for (const answer of answers) {
        expect(answer.status).to.equal(503);
        expect(answer.ms).to.be.below(ANSWER_BOUND_MS);
      }
    } finally {
      redis.thaw();
    }
  });

  it('both back: answers again without a restart', async () => {
    await pg.start();
    const answers = await readAll('both back');
    expect(answers.every((a) => a.status === 200)).to.equal(true);
  });
});
