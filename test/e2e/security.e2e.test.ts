import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { Kafka, logLevel } from 'kafkajs';
import { createRedis, type Redis } from '@playhead/store';
import {
  drain,
  eventually,
  freshId,
  getJson,
  postJson,
  startPipeline,
  tokenFor,
  withAuth,
  type Pipeline,
} from '../support/pipeline.js';

const kafka = new Kafka({
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});

/** Messages in a topic, all partitions together. */
async function topicSize(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Any generated value as query text; objects without a usable toString included. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function checkpoint(account: string, extra: Record<string, unknown> = {}) {
  return {
    account_id: account,
    profile_id: 'p1',
    video_id: 'v1',
    device_id: 'tv-1',
    position_seconds: 1200,
    event: 'pause',
    duration_seconds: 5400,
    ...extra,
  };
}

async function del(url: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'DELETE',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('security: tokens, isolation and limits', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;
  let topic: string;
  const alice = freshId('alice');
  const bob = freshId('bob');

  before(async () => {
    pipeline = await startPipeline({
      ...withAuth(),
      RATE_LIMIT_PER_DEVICE: '5',
      RATE_LIMIT_PER_ACCOUNT: '0',
    });
    topic = pipeline.env.CHECKPOINT_TOPIC!;
    // Bob has progress that Alice must never see.
    const bobToken = await tokenFor(pipeline.env, bob);
    const res = await postJson(`${pipeline.ingest.url}/playback/update`, checkpoint(bob), bobToken);
    expect(res.status).to.equal(202);
    await drain(pipeline);
  });

  after(() => pipeline?.stop());

  const sign = async (claims: {
    secret?: string;
    sub?: string;
    iss?: string;
    aud?: string;
    exp?: number | string;
    profiles?: string[];
  }) => {
    const env = pipeline.env;
    const jwt = new SignJWT(claims.profiles ? { profiles: claims.profiles } : {})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub ?? alice)
      .setIssuer(claims.iss ?? env.AUTH_ISSUER!)
      .setAudience(claims.aud ?? env.AUTH_AUDIENCE!)
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? '1h');
    return jwt.sign(new TextEncoder().encode(claims.secret ?? env.AUTH_HS256_SECRET!));
  };

  /** Every request a client can make, for one account and profile. */
  const requests = (account: string, profile = 'p1') => [
    (token?: string) =>
      postJson(
        `${pipeline.ingest.url}/playback/update`,
        checkpoint(account, { profile_id: profile }),
        token,
      ),
    (token?: string) =>
      postJson(
        `${pipeline.ingest.url}/playback/batch`,
        { checkpoints: [checkpoint(account, { profile_id: profile })] },
        token,
      ),
    (token?: string) =>
      getJson(
        `${pipeline.resume.url}/playback/resume?account_id=${account}&profile_id=${profile}&video_id=v1`,
        token,
      ),
    (token?: string) =>
      getJson(
        `${pipeline.resume.url}/playback/continue-watching?account_id=${account}&profile_id=${profile}`,
        token,
      ),
    (token?: string) =>
      del(
        `${pipeline.resume.url}/playback/continue-watching/v1?account_id=${account}&profile_id=${profile}`,
        token,
      ),
  ];

  async function expectRefused(
    token: string | undefined,
    status: number,
    code: string,
    account = alice,
    profile = 'p1',
  ) {
    const before = await topicSize(topic);
    for (const request of requests(account, profile)) {
      const res = await request(token);
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(JSON.stringify(res.body)).to.not.include('1200');
    }
    expect(await topicSize(topic), 'nothing published').to.equal(before);
  }

  it('refuses a request without a token', async () => {
    await expectRefused(undefined, 401, 'UNAUTHENTICATED');
  });

  it('refuses a token with a bad signature', async () => {
    await expectRefused(await sign({ secret: 'x'.repeat(40) }), 401, 'INVALID_TOKEN');
  });

  it('refuses an expired token', async () => {
    await expectRefused(
      await sign({ exp: Math.floor(Date.now() / 1000) - 3600 }),
      401,
      'TOKEN_EXPIRED',
    );
  });

  it('refuses a token from another issuer', async () => {
    await expectRefused(await sign({ iss: 'https://evil.example' }), 401, 'INVALID_TOKEN');
  });

  it('refuses a token for another audience', async () => {
    await expectRefused(await sign({ aud: 'someone-else' }), 401, 'INVALID_TOKEN');
  });

  it('refuses another account, revealing nothing of its progress', async () => {
    const token = await sign({});
    await expectRefused(token, 403, 'FORBIDDEN', bob);
    // The answer for an account with progress equals the one for an account without.
    const unknown = await getJson(
      `${pipeline.resume.url}/playback/resume?account_id=nobody&profile_id=p1&video_id=v1`,
      token,
    );
    const known = await getJson(
      `${pipeline.resume.url}/playback/resume?account_id=${bob}&profile_id=p1&video_id=v1`,
      token,
    );
    expect(known).to.deep.equal(unknown);
  });

  it('refuses a profile the token does not list', async () => {
    await expectRefused(await sign({ profiles: ['p1'] }), 403, 'FORBIDDEN', alice, 'kids');
  });

  it('lets a token use the profiles it lists', async () => {
    const token = await sign({ profiles: ['p1', 'kids'] });
    const res = await postJson(
      `${pipeline.ingest.url}/playback/update`,
      checkpoint(alice, { profile_id: 'kids', device_id: 'tablet-9' }),
      token,
    );
    expect(res.status).to.equal(202);
  });

  it('limits requests per device with 429 and Retry-After', async () => {
    const token = await sign({});
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i += 1) {
      const res = await fetch(`${pipeline.ingest.url}/playback/update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(
          checkpoint(alice, { device_id: 'flooder', position_seconds: 100 + i }),
        ),
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.text();
    }
    expect(statuses.slice(0, 5)).to.deep.equal([202, 202, 202, 202, 202]);
    expect(statuses.slice(5)).to.deep.equal([429, 429]);
    expect(Number(retryAfter)).to.be.greaterThan(0);
  });

  it('survives hostile ids and bodies: no 5xx, nothing published for refusals, no key outside the caller', async () => {
    const token = await sign({});
    const hostileId = fc.oneof(
      fc.string({ maxLength: 140 }),
      fc.constantFrom(
        '',
        '#',
        'a#b',
        '{x}',
        '*',
        '..',
        '%00',
        '\u0000',
        'a\u0085',
        'ph:{x}:cw',
        '\uD800',
      ),
      fc.constant(alice),
      fc.anything(),
    );
    // Mostly well-formed bodies with hostile values mixed in, so both refusals and
    // acceptances are exercised; some fields are left out entirely.
    const body = fc.record(
      {
        account_id: fc.oneof(
          { arbitrary: fc.constant(alice), weight: 4 },
          { arbitrary: fc.constant(bob), weight: 1 },
          { arbitrary: hostileId, weight: 2 },
        ),
        profile_id: fc.oneof(
          { arbitrary: fc.constant('p1'), weight: 2 },
          { arbitrary: hostileId, weight: 2 },
        ),
        video_id: hostileId,
        device_id: fc.oneof(
          { arbitrary: fc.uuid(), weight: 4 },
          { arbitrary: hostileId, weight: 1 },
        ),
        position_seconds: fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: 5000 }), weight: 4 },
          { arbitrary: fc.oneof(fc.double(), fc.string(), fc.constant(null)), weight: 1 },
        ),
        event: fc.oneof(
          { arbitrary: fc.constantFrom('pause', 'heartbeat', 'seek'), weight: 4 },
          { arbitrary: fc.string(), weight: 1 },
        ),
        duration_seconds: fc.oneof(
          fc.constant(undefined),
          fc.double(),
          fc.integer({ min: 1, max: 10_000 }),
        ),
        client_ts: fc.oneof(
          fc.constant(undefined),
          fc.string(),
          fc.date().map((d) => (isNaN(d.getTime()) ? 'x' : d.toISOString())),
        ),
      },
      { requiredKeys: ['account_id', 'profile_id', 'device_id', 'position_seconds', 'event'] },
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (b, asBatch) => {
        const before = await topicSize(topic);
        const res = asBatch
          ? await postJson(`${pipeline.ingest.url}/playback/batch`, { checkpoints: [b] }, token)
          : await postJson(`${pipeline.ingest.url}/playback/update`, b, token);
        expect(res.status, JSON.stringify(res.body)).to.be.lessThan(500);
        if (res.status !== 202) expect(await topicSize(topic)).to.equal(before);
        else accepted += 1;

        const q = new URLSearchParams({
          account_id: asText(b.account_id),
          profile_id: asText(b.profile_id),
          video_id: asText(b.video_id),
        });
        const read = await getJson(`${pipeline.resume.url}/playback/resume?${q}`, token);
        expect(read.status).to.be.lessThan(500);
        if (read.status === 200) expect(read.body.account_id).to.equal(alice);
      }),
      { numRuns: 300 },
    );

    // Whatever got in belongs to Alice, in Kafka and in Redis.
    await drain(pipeline);
    const redis: Redis = createRedis(pipeline.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableOfflineQueue: true,
    });
    try {
      const keys = await redis.keys(`${pipeline.env.REDIS_PREFIX}:*`);
      const outside = keys.filter(
        (k) =>
          !k.startsWith(`${pipeline.env.REDIS_PREFIX}:{${alice}:`) &&
          !k.startsWith(`${pipeline.env.REDIS_PREFIX}:{${bob}:`) &&
          !k.startsWith(`${pipeline.env.REDIS_PREFIX}:rl:`),
      );
      expect(outside).to.deep.equal([]);
    } finally {
      redis.disconnect();
    }
    expect(accepted).to.be.greaterThan(0);
  });
});

describe('security: tokens from an identity provider (JWKS)', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  let jwks: Server;
  const keys: Record<
    'RS256' | 'ES256',
    { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK }
  > = {} as never;

  before(async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      keys[alg] = {
        privateKey,
        jwk: { ...(await exportJWK(publicKey)), kid: alg, alg, use: 'sig' },
      };
    }
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [keys.RS256.jwk, keys.ES256.jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address() as { port: number };
    pipeline = await startPipeline({
      AUTH_DISABLED: 'false',
      AUTH_JWKS_URL: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
      AUTH_ISSUER: 'https://id.example',
      AUTH_AUDIENCE: 'playhead',
    });
  });

  after(async () => {
    await pipeline?.stop();
    jwks?.close();
  });

  for (const alg of ['RS256', 'ES256'] as const) {
    it(`accepts an ${alg} token signed by the provider and refuses another key`, async () => {
      const account = freshId('idp');
      const token = await new SignJWT({})
        .setProtectedHeader({ alg, kid: alg })
        .setSubject(account)
        .setIssuer('https://id.example')
        .setAudience('playhead')
        .setExpirationTime('5m')
        .sign(keys[alg].privateKey);
      const posted = await postJson(
        `${pipeline.ingest.url}/playback/update`,
        checkpoint(account),
        token,
      );
      expect(posted.status).to.equal(202);
      await eventually(async () => {
        const read = await getJson(
          `${pipeline.resume.url}/playback/resume?account_id=${account}&profile_id=p1&video_id=v1`,
          token,
        );
        expect(read.status).to.equal(200);
      });

      const stranger = await generateKeyPair(alg);
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg, kid: alg })
        .setSubject(account)
        .setIssuer('https://id.example')
        .setAudience('playhead')
        .setExpirationTime('5m')
        .sign(stranger.privateKey);
      const refused = await postJson(
        `${pipeline.ingest.url}/playback/update`,
        checkpoint(account),
        forged,
      );
      expect(refused.status).to.equal(401);
    });
  }
});
