import { expect } from 'chai';
import { InvalidArgumentError } from 'commander';
import { ConfigError } from '@playhead/config';
import { explain } from '../src/explain.js';
import { GroupActiveError, UsageError } from '../src/errors.js';
import {
  parseIntList,
  parseOffset,
  parseOffsetList,
  parseStartPoint,
  parseTime,
} from '../src/parse.js';
import { loadOpsSettings } from '../src/settings.js';

describe('flag parsing', () => {
  it('partition lists are sorted and without duplicates', () => {
    expect(parseIntList('3, 0,3')).to.deep.equal([0, 3]);
  });

  it('a list with anything but numbers is refused with an example', () => {
    expect(() => parseIntList('0,x')).to.throw(InvalidArgumentError, /e\.g\. 0,3/);
    expect(() => parseIntList('')).to.throw(InvalidArgumentError);
  });

  it('offsets stay exact beyond 2^53', () => {
    expect(parseOffset('9007199254740993')).to.equal(9007199254740993n);
    expect(parseOffsetList('5,3,5')).to.deep.equal([3n, 5n]);
    expect(() => parseOffset('-1')).to.throw(InvalidArgumentError);
  });

  it('times need a zone; a bare date is UTC midnight', () => {
    expect(parseTime('2026-01-31T20:15:00Z')).to.equal(Date.UTC(2026, 0, 31, 20, 15));
    expect(parseTime('2026-01-31T21:15:00+01:00')).to.equal(Date.UTC(2026, 0, 31, 20, 15));
    expect(parseTime('2026-01-31')).to.equal(Date.UTC(2026, 0, 31));
    expect(() => parseTime('2026-01-31T20:15:00')).to.throw(InvalidArgumentError, /zone/);
    expect(() => parseTime('yesterday')).to.throw(InvalidArgumentError);
  });

  it('a start point is start, end or a time', () => {
    expect(parseStartPoint('start')).to.deep.equal({ kind: 'start' });
    expect(parseStartPoint('end')).to.deep.equal({ kind: 'end' });
    expect(parseStartPoint('2026-01-31T20:15:00Z')).to.deep.equal({
      kind: 'time',
      ms: Date.UTC(2026, 0, 31, 20, 15),
    });
    expect(() => parseStartPoint('middle')).to.throw(InvalidArgumentError, /start, end/);
  });
});

describe('error messages and exit codes', () => {
  const settings = loadOpsSettings({});

  it('a usage error or a bad variable exits 2', () => {
    expect(explain(new UsageError('--to-offset 9 is past the end'), settings).exitCode).to.equal(2);
    const config = explain(new ConfigError(['REDIS_PREFIX: too long']), null);
    expect(config.exitCode).to.equal(2);
    expect(config.message).to.match(/REDIS_PREFIX/);
  });

  it('a refusal exits 1 and says what to do', () => {
    const refused = explain(new GroupActiveError('g', 'Stable', ['ops@10.0.0.1']), settings);
    expect(refused.exitCode).to.equal(1);
    expect(refused.message).to.match(/ops@10\.0\.0\.1.*stop its consumers/);
  });

  it('a connection failure names the variable that points at the system', () => {
    const refused = (port: number) =>
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { port });
    expect(explain(refused(5432), settings).message).to.match(/^PostgreSQL .*DATABASE_URL$/);
    expect(explain(refused(6379), settings).message).to.match(/^Redis .*REDIS_URL$/);
    expect(explain(refused(8081), settings).message).to.match(/SCHEMA_REGISTRY_URL$/);
    const kafka = Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' });
    expect(explain(kafka, settings).message).to.match(
      /^Kafka \(127\.0\.0\.1:9092\).*KAFKA_BROKERS/,
    );
  });

  it('a password in a URL is never printed', () => {
    const withPassword = loadOpsSettings({
      DATABASE_URL: 'postgres://ops:s3cret@db:5432/playhead',
    });
    const error = Object.assign(new Error('password authentication failed'), { severity: 'FATAL' });
    expect(explain(error, withPassword).message).to.not.include('s3cret');
  });
});
