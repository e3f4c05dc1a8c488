// Proves that @kafkajs/confluent-schema-registry 3.9 works against the stack's Apicurio
// Registry (its Confluent-compatible API) the way packages/events uses it, and that the
// global BACKWARD rule is enforced.
import { expect } from 'chai';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

import { SCHEMA_REGISTRY_URL, uniqueName } from './env.js';

/** An Avro record shaped like the system's events, and changes to it. */
function avro(fields: object[]): { type: SchemaType.AVRO; schema: string } {
  return {
    type: SchemaType.AVRO,
    schema: JSON.stringify({
      type: 'record',
      name: 'SmokeCheckpoint',
      namespace: 'dev.playhead.smoke',
      fields,
    }),
  };
}

const V1 = [
  { name: 'account_id', type: 'string' },
  { name: 'position_seconds', type: 'double' },
  { name: 'event_time', type: { type: 'long', logicalType: 'timestamp-millis' } },
  { name: 'client_ts', type: ['null', 'long'], default: null },
];
const WITH_DEFAULT = [...V1, { name: 'session_id', type: ['null', 'string'], default: null }];
const WITH_REQUIRED = [...V1, { name: 'device_id', type: 'string' }];

/** A call to the Confluent-compatible API without the client, as another tool would make. */
async function registryHttp(method: string, path: string, body?: object) {
  const response = await fetch(`${SCHEMA_REGISTRY_URL}${path}`, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body && JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Schema registry with @kafkajs/confluent-schema-registry', function () {
  this.timeout(20_000);

  const registry = new SchemaRegistry({ host: SCHEMA_REGISTRY_URL });
  let subject: string;

  beforeEach(() => {
    subject = `${uniqueName('smoke-registry')}-value`;
  });

  it('registers a schema under <topic>-value, and again with the same id', async () => {
    const first = await registry.register(avro(V1), { subject });
    // What every service start does: packages/events registers its schema each time.
    const again = await registry.register(avro(V1), { subject });

    expect(again.id).to.equal(first.id);
    expect(await registry.getLatestSchemaId(subject)).to.equal(first.id);
  });

  it('decodes what it encodes, with the schema id in the Confluent wire format', async () => {
    const { id } = await registry.register(avro(V1), { subject });
    const event = {
      account_id: 'acct-1',
      position_seconds: 671.5,
      event_time: Date.parse('2026-01-02T03:04:05.678Z'), // epoch ms, as packages/events sends
      client_ts: null,
    };

    const encoded = await registry.encode(id, event);

    expect(encoded[0], 'magic byte').to.equal(0);
    expect(encoded.readInt32BE(1), 'schema id').to.equal(id);
    // A fresh client, so the schema comes from the registry and not from the cache.
    const decoded = await new SchemaRegistry({ host: SCHEMA_REGISTRY_URL }).decode(encoded);
    // avsc decodes into an instance of a generated record class; its fields are what count.
    expect({ ...decoded }).to.deep.equal(event);
  });

  it('accepts a backward-compatible change and refuses an incompatible one', async () => {
    const v1 = await registry.register(avro(V1), { subject });

    const v2 = await registry.register(avro(WITH_DEFAULT), { subject });
    expect(v2.id).to.not.equal(v1.id);

    // A reader with a new field and no default cannot read the events already written.
    const refused = await registry.register(avro(WITH_REQUIRED), { subject }).then(
      () => null,
      (error: Error) => error,
    );
    expect(refused, 'register() of an incompatible schema').to.be.an('error');
    expect(refused!.message).to.match(/incompatible/i);
    expect(await registry.getLatestSchemaId(subject)).to.equal(v2.id);
  });

  it('enforces the global BACKWARD rule on a subject that has no rule of its own', async () => {
    // Registered over plain HTTP, so no subject-level rule exists (the client would set one).
    const v1 = await registryHttp('POST', `/subjects/${subject}/versions`, {
      schema: avro(V1).schema,
    });
    expect(v1.status).to.equal(200);

    const refused = await registryHttp('POST', `/subjects/${subject}/versions`, {
      schema: avro(WITH_REQUIRED).schema,
    });
    expect(refused.status).to.equal(409);
    expect((await registryHttp('GET', '/config')).body).to.deep.equal({
      compatibilityLevel: 'BACKWARD',
    });
  });
});
