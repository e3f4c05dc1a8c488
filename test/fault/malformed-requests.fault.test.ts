import { expect } from 'chai';
import fc from 'fast-check';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { PLAYBACK_EVENTS } from '@playhead/domain';
import { topicEnd } from '../support/delivery-audit.js';
import { inProcess } from '../support/in-process.js';
import { testEnv } from '../support/pipeline.js';

type Started<K extends keyof typeof inProcess> = Awaited<ReturnType<(typeof inProcess)[K]>>;

const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const MAX_BODY_BYTES = 64 * 1024;

interface Request {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** Lone surrogates cannot be percent-encoded: they go as U+FFFD, as a browser sends them. */
function enc(value: unknown): string {
  let text: string;
  try {
    text = String(value);
  } catch {
    text = '[object]';
  }
  return encodeURIComponent(text.toWellFormed());
}

/** Mostly plausible values, some wild ones. */
const mostly = <T>(plausible: fc.Arbitrary<T>, ...wild: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ arbitrary: plausible, weight: 6 }, ...wild.map((a) => ({ arbitrary: a, weight: 1 })));

const weighted = <T>(...pairs: Array<[T, number]>) =>
  fc.oneof(...pairs.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));

const goodId = fc.stringMatching(/^[a-z0-9-]{1,12}$/);

const idArb = mostly(
  goodId,
  fc.string({ unit: 'binary', maxLength: 140 }),
  fc.constantFrom('', '#', 'a#b', '\u0000', '\ud800', 'x'.repeat(129), '%', '../..'),
  fc.anything(),
);

const FIELDS = [
  'account_id',
  'profile_id',
  'video_id',
  'device_id',
  'position_seconds',
  'duration_seconds',
  'event',
  'session_id',
  'client_ts',
  'sent_at',
] as const;

const validCheckpointArb = fc.record(
  {
    account_id: goodId,
    profile_id: goodId,
    video_id: goodId,
    device_id: goodId,
    position_seconds: fc.integer({ min: 0, max: 7000 }),
    duration_seconds: fc.constant(7200),
    event: fc.constantFrom(...PLAYBACK_EVENTS),
    session_id: fc.constant('s-1'),
    client_ts: fc
      .integer({ min: -86_400, max: 0 })
      .map((s) => new Date(Date.now() + s * 1000).toISOString()),
  },
  { requiredKeys: ['account_id', 'profile_id', 'video_id', 'device_id', 'position_seconds'] },
);

const wildCheckpointArb = fc.record(
  {
    account_id: idArb,
    profile_id: idArb,
    video_id: idArb,
    device_id: idArb,
    position_seconds: mostly(fc.integer({ min: 0, max: 7000 }), fc.double(), fc.anything()),
    duration_seconds: mostly(fc.constant(7200), fc.double(), fc.anything()),
    event: mostly(fc.constantFrom(...PLAYBACK_EVENTS), fc.anything()),
    session_id: mostly(fc.constant('s-1'), fc.anything()),
    client_ts: mostly(
      fc
        .integer({ min: -40, max: 1 })
        .map((d) => new Date(Date.now() + d * 86_400_000).toISOString()),
      fc.string(),
      fc.anything(),
    ),
    sent_at: mostly(fc.constant(new Date().toISOString()), fc.anything()),
  },
  { requiredKeys: [] },
);

/** Valid; valid but for one field; or anything near the shape. */
const checkpointArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: validCheckpointArb, weight: 6 },
  {
    arbitrary: fc
      .tuple(validCheckpointArb, fc.constantFrom(...FIELDS), fc.anything())
      .map(([valid, field, value]) => ({ ...valid, [field]: value })),
    weight: 3,
  },
  { arbitrary: wildCheckpointArb, weight: 3 },
);

const jsonBody = (value: fc.Arbitrary<unknown>) =>
  value.map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));

const bodyArb: fc.Arbitrary<Buffer | null> = fc.oneof(
  { arbitrary: jsonBody(checkpointArb), weight: 8 },
  {
    arbitrary: jsonBody(
      fc.record(
        {
          sent_at: mostly(fc.constant(new Date().toISOString()), fc.anything()),
          checkpoints: mostly(fc.array(checkpointArb, { maxLength: 8 }), fc.anything()),
        },
        { requiredKeys: [] },
      ),
    ),
    weight: 4,
  },
  { arbitrary: jsonBody(fc.jsonValue()), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), weight: 2 },
  {
    arbitrary: jsonBody(checkpointArb).chain((b) => fc.nat(b.length).map((n) => b.subarray(0, n))),
    weight: 1,
  },
  {
    arbitrary: fc.constantFrom(
      Buffer.alloc(MAX_BODY_BYTES + 1, 'a'),
      Buffer.from(`{"checkpoints": [${'{},'.repeat(30_000)}{}]}`),
      Buffer.from('['.repeat(5000) + ']'.repeat(5000)),
      Buffer.from('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}'),
      Buffer.from('\ufeff{}'),
      Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    ),
    weight: 1,
  },
  { arbitrary: fc.constant(null), weight: 1 },
);

const randomPathArb = fc
  .array(fc.constantFrom('playback', 'update', '..', '%2e%2e', '%', '', 'batch', '\u00e9', '%ff'), {
    maxLength: 5,
  })
  .map((parts) => `/${parts.join('/')}`);

const videoPathArb = fc
  .oneof(idArb.map(enc), fc.constantFrom('%', '%E0%A4%A', '%00', '..'))
  .map((v) => `/playback/continue-watching/${v}`);

const OPS_PATHS = fc.constantFrom('/openapi.json', '/healthz', '/metrics');

const ingestPathArb = fc.oneof(
  { arbitrary: fc.constant('/playback/update'), weight: 6 },
  { arbitrary: fc.constant('/playback/batch'), weight: 3 },
  { arbitrary: OPS_PATHS, weight: 1 },
  { arbitrary: randomPathArb, weight: 1 },
);

const resumePathArb = fc.oneof(
  { arbitrary: fc.constant('/playback/resume'), weight: 5 },
  { arbitrary: fc.constant('/playback/continue-watching'), weight: 3 },
  { arbitrary: videoPathArb, weight: 2 },
  { arbitrary: OPS_PATHS, weight: 1 },
  { arbitrary: randomPathArb, weight: 1 },
);

const queryValue = fc.oneof(
  { arbitrary: goodId, weight: 4 },
  { arbitrary: idArb.map(enc), weight: 2 },
  {
    arbitrary: fc.constantFrom('%', '%zz', '%00', '', '1e400', '-1', '101', '20', 'NaN'),
    weight: 1,
  },
);
const queryArb = fc
  .array(
    fc.tuple(
      weighted(
        ['account_id', 4],
        ['profile_id', 4],
        ['video_id', 4],
        ['limit', 2],
        ['account_id[]', 1],
        ['video_id[x]', 1],
        ['__proto__', 1],
        ['x', 1],
      ),
      queryValue,
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${v}`).join('&'));

const headerArb = fc.record(
  {
    'content-type': weighted(
      ['application/json', 8],
      ['application/json; charset=utf-8', 2],
      ['application/json; charset=latin1', 1],
      ['application/json; charset=utf-16', 1],
      ['text/plain', 1],
      ['application/x-www-form-urlencoded', 1],
      ['multipart/form-data; boundary=x', 1],
      ['*/*', 1],
      ['nonsense', 1],
    ),
    'content-encoding': weighted(
      ['identity', 10],
      ['gzip', 2],
      ['deflate', 1],
      ['br', 1],
      ['bogus', 1],
    ),
    authorization: fc.constantFrom('Bearer x', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'a'.repeat(2000)),
    accept: fc.constantFrom('application/json', '*/*', 'text/html'),
  },
  { requiredKeys: [] },
);

function requestArb(
  method: fc.Arbitrary<string>,
  path: fc.Arbitrary<string>,
): fc.Arbitrary<Request> {
  return fc
    .record({
      method,
      path,
      query: queryArb,
      headers: headerArb,
      body: bodyArb,
      gzip: fc.boolean(),
    })
    .map(({ gzip, ...r }) => {
      // A body declared gzip is sometimes really gzip, sometimes not.
      if (r.body && gzip && r.headers['content-encoding'] === 'gzip') {
        return { ...r, body: gzipSync(r.body) };
      }
      return r;
    });
}

const OTHER_METHODS: Array<[string, number]> = [
  ['PUT', 1],
  ['PATCH', 1],
  ['OPTIONS', 1],
  ['HEAD', 1],
];
const ingestRequestArb = requestArb(
  weighted(['POST', 12], ['GET', 1], ['DELETE', 1], ...OTHER_METHODS),
  ingestPathArb,
);
const resumeRequestArb = requestArb(
  weighted(['GET', 8], ['DELETE', 3], ['POST', 1], ...OTHER_METHODS),
  resumePathArb,
);

/**
 * Thousands of random, malformed and hostile requests against both APIs: no answer is a
 * 5xx, neither process crashes, and Kafka receives exactly the events answered 202.
 */
describe('fault: random and malformed requests', function () {
  this.timeout(120_000);
  const env = testEnv({ MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
  let ingest: Started<'ingest'>;
  let resume: Started<'resume'>;

  before(async () => {
    ingest = await inProcess.ingest(env);
    resume = await inProcess.resume(env);
  });
  after(async () => {
    await Promise.allSettled([ingest?.stop(), resume?.stop()]);
  });

  async function send(base: string, r: Request): Promise<{ status: number; published: number }> {
    const hasBody = r.body !== null && r.method !== 'GET' && r.method !== 'HEAD';
    const res = await fetch(`${base}${r.path}${r.query ? `?${r.query}` : ''}`, {
      method: r.method,
      headers: hasBody ? r.headers : { accept: r.headers.accept ?? '*/*' },
      body: hasBody ? r.body : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let published = 0;
    if (res.status === 202 && base === ingest.url) {
      const body = JSON.parse(text) as { event_id?: string; accepted?: unknown[] };
      published = body.event_id ? 1 : (body.accepted?.length ?? 0);
    }
    return { status: res.status, published };
  }

  it('answers every request below 500 and publishes only what it accepted', async () => {
    const topic = env.CHECKPOINT_TOPIC!;
    const before = await topicEnd(BROKERS, topic);
    const statuses = new Map<string, number>();
    let published = 0;
    let requests = 0;
    const started = Date.now();

    for (const [name, base, arb, runs] of [
      ['ingest', ingest.url, ingestRequestArb, 2000],
      ['resume', resume.url, resumeRequestArb, 1200],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(arb, async (r) => {
          const answer = await send(base, r);
          requests += 1;
          published += answer.published;
          const key = `${name} ${answer.status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          expect(answer.status, `${r.method} ${r.path}?${r.query}`).to.be.below(500);
        }),
        { numRuns: runs, endOnFailure: true },
      );
    }

    const raw = await rawRequests(ingest.url);
    // Both processes still answer.
    for (const base of [ingest.url, resume.url]) {
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    }
    const after = await topicEnd(BROKERS, topic);
    console.log(
      [
        '[fault] random and malformed requests (fast-check)',
        `  requests ${requests} in ${((Date.now() - started) / 1000).toFixed(1)} s, plus ${raw.length} malformed at the HTTP level`,
        `  answers: ${[...statuses.entries()]
          .sort()
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ')}`,
        `  HTTP-level: ${raw.join(', ')}`,
        `  events answered 202: ${published}; messages the topic gained: ${after - before}`,
      ].join('\n'),
    );

    expect(after - before).to.equal(published);
    expect([...statuses.keys()].filter((k) => Number(k.split(' ')[1]) >= 500)).to.deep.equal([]);
    expect(raw.filter((s) => s.startsWith('5'))).to.deep.equal([]);
  });
});

/** Requests no HTTP client would send; returns the status line of each answer, if any. */
async function rawRequests(base: string): Promise<string[]> {
  const { hostname, port } = new URL(base);
  const payloads = [
    'GARBAGE\r\n\r\n',
    'POST /playback/update HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"a":',
    'POST /playback/update HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    'POST /playback/update HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    `GET /playback/resume HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    'POST /playback/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd',
    'GET /%%%%/\u00ff HTTP/1.1\r\nHost: x\r\n\r\n',
  ];
  const answers: string[] = [];
  for (const payload of payloads) {
    answers.push(
      await new Promise<string>((resolve) => {
        const socket = connect(Number(port), hostname);
        let data = '';
        socket.setTimeout(3000, () => socket.destroy());
        const status = () => data.split('\r\n')[0]?.split(' ')[1] ?? 'closed';
        socket.on('data', (chunk) => {
          data += chunk.toString('latin1');
          if (data.includes('\r\n')) socket.destroy();
        });
        socket.on('close', () => resolve(status()));
        socket.on('error', () => undefined);
        socket.write(payload, 'latin1');
        // The truncated body: the client gives up half way.
        if (payload.includes('Content-Length: 100')) setTimeout(() => socket.end(), 200);
      }),
    );
  }
  return answers;
}
