// The contract with the analytics consumers of playback.checkpoints.v1: the schema may
// only change in ways the registry accepts (its global BACKWARD rule) and that readers
// still holding v1 can read. A breaking edit of CHECKPOINT_SCHEMA fails here first.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import avro from 'avsc';
import { CHECKPOINT_SCHEMA } from '../src/checkpoint-schema.js';

const REGISTRY = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

/** The schema as first published, pinned: never edit it to make a test pass. */
const V1 = JSON.parse(
  readFileSync(new URL('./fixtures/playback-checkpoint.v1.avsc', import.meta.url), 'utf8'),
) as { fields: Array<{ name: string; type: unknown; default?: unknown }> };

type Schema = { fields: Array<Record<string, unknown>> } & Record<string, unknown>;
const current = (): Schema => JSON.parse(JSON.stringify(CHECKPOINT_SCHEMA)) as Schema;

/** The Confluent-compatible API over plain HTTP, as any other producer's tooling calls it. */
async function registry(method: string, path: string, body?: object) {
  const response = await fetch(`${REGISTRY}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body && JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function isCompatible(subject: string, schema: object): Promise<boolean> {
  const res = await registry('POST', `/compatibility/subjects/${subject}/versions/latest`, {
    schema: JSON.stringify(schema),
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.is_compatible as boolean;
}

/** Whether a consumer reading with `reader` can decode what `writer` wrote. */
function readable(reader: object, writer: object): boolean {
  try {
    avro.Type.forSchema(reader as avro.Schema).createResolver(
      avro.Type.forSchema(writer as avro.Schema),
    );
    return true;
  } catch {
    return false;
  }
}

describe('playback checkpoint schema compatibility', function () {
  this.timeout(20_000);
  let subject: string;

  beforeEach(async () => {
    subject = `test.compat.${randomBytes(4).toString('hex')}-value`;
    // Registered without a subject rule, so the registry's global rule decides.
    const v1 = await registry('POST', `/subjects/${subject}/versions`, {
      schema: JSON.stringify(V1),
    });
    expect(v1.status, JSON.stringify(v1.body)).to.equal(200);
  });

  it('the registry enforces BACKWARD globally', async () => {
    expect((await registry('GET', '/config')).body).to.deep.equal({
      compatibilityLevel: 'BACKWARD',
    });
  });

  it('the current schema is compatible with the pinned v1 and registers after it', async () => {
    expect(await isCompatible(subject, current())).to.equal(true);

    const registered = await registry('POST', `/subjects/${subject}/versions`, {
      schema: JSON.stringify(current()),
    });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(200);
  });

  it('a consumer still reading with v1 can read what the current schema writes', () => {
    expect(readable(V1, current())).to.equal(true);

    const event = {
      event_id: '0b0e0d0c-0000-4000-8000-000000000001',
      account_id: 'a',
      profile_id: 'p',
      video_id: 'v',
      device_id: 'tv',
      position_seconds: 671.5,
      event: 'pause',
      duration_seconds: 5400,
      session_id: null,
      event_time: 1_780_000_000_000,
      received_at: 1_780_000_000_100,
      client_ts: null,
    };
    const writer = avro.Type.forSchema(current() as avro.Schema);
    const reader = avro.Type.forSchema(V1 as unknown as avro.Schema);
    const decoded = reader.fromBuffer(writer.toBuffer(event), reader.createResolver(writer));
    expect({ ...decoded }).to.deep.include({ position_seconds: 671.5, event: 'pause' });
  });

  it('a new field without a default is refused', async () => {
    const schema = current();
    schema.fields.push({ name: 'country', type: 'string', doc: 'Viewer country.' });

    expect(await isCompatible(subject, schema)).to.equal(false);
    const res = await registry('POST', `/subjects/${subject}/versions`, {
      schema: JSON.stringify(schema),
    });
    expect(res.status).to.equal(409);
  });

  it('a field whose type changes is refused', async () => {
    const schema = current();
    schema.fields = schema.fields.map((f) =>
      f.name === 'position_seconds' ? { ...f, type: 'string' } : f,
    );

    expect(await isCompatible(subject, schema)).to.equal(false);
  });

  it('an event symbol removed is refused', async () => {
    const schema = current();
    schema.fields = schema.fields.map((f) => {
      if (f.name !== 'event') return f;
      const type = f.type as { symbols: string[] };
      return { ...f, type: { ...type, symbols: type.symbols.filter((s) => s !== 'ended') } };
    });

    expect(await isCompatible(subject, schema)).to.equal(false);
  });

  it('a field removed passes BACKWARD but breaks v1 readers, which the pinned check catches', async () => {
    const schema = current();
    schema.fields = schema.fields.filter((f) => f.name !== 'device_id');

    // BACKWARD only asks that the new schema read old data; dropping a field does.
    expect(await isCompatible(subject, schema)).to.equal(true);
    // A consumer on v1 needs device_id, which has no default: it cannot read new data.
    expect(readable(V1, schema)).to.equal(false);
  });

  it('every field, and the event enum, carries a doc string', () => {
    expect(CHECKPOINT_SCHEMA.doc).to.be.a('string').and.not.equal('');
    for (const field of CHECKPOINT_SCHEMA.fields) {
      expect(field.doc, field.name).to.be.a('string').and.not.equal('');
    }
    const event = CHECKPOINT_SCHEMA.fields.find((f) => f.name === 'event')!;
    expect((event.type as { doc?: string }).doc).to.be.a('string');
  });
});
