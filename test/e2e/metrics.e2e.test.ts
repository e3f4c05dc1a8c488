import { expect } from 'chai';
import {
  drain,
  freshId,
  getJson,
  postJson,
  startPipeline,
  type Pipeline,
} from '../support/pipeline.js';

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of one series in Prometheus' text format; `name` may be a histogram's part. */
function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}

function total(text: string, name: string, where: Record<string, string> = {}): number {
  return samples(text, name)
    .filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

describe('every service exports what an operator watches', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  const metrics: Record<string, string> = {};
  const account = freshId('metrics');

  before(async () => {
    pipeline = await startPipeline();
    const posted = await postJson(`${pipeline.ingest.url}/playback/update`, {
      account_id: account,
      profile_id: 'p1',
      video_id: 'v1',
      device_id: 'tv',
      position_seconds: 600,
      event: 'pause',
      duration_seconds: 5400,
    });
    expect(posted.status).to.equal(202);
    await drain(pipeline);

    const query = `account_id=${account}&profile_id=p1`;
    expect(
      (await getJson(`${pipeline.resume.url}/playback/resume?${query}&video_id=v1`)).status,
    ).to.equal(200);
    // An unknown key: a cache miss that PostgreSQL answers (404).
    expect(
      (await getJson(`${pipeline.resume.url}/playback/resume?${query}&video_id=none`)).status,
    ).to.equal(404);

    for (const [name, url] of Object.entries(urls())) {
      for (const path of ['/healthz', '/readyz']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status, `${name} ${path}`).to.equal(200);
        await res.text();
      }
      metrics[name] = await (await fetch(`${url}/metrics`)).text();
    }
  });

  after(async () => {
    await pipeline?.stop();
  });

  function urls(): Record<string, string> {
    return {
      ingest: pipeline.ingest.url,
      resume: pipeline.resume.url,
      checkpointer: pipeline.checkpointer.url,
      projector: pipeline.projector.url,
    };
  }

  for (const service of ['ingest', 'resume', 'checkpointer', 'projector']) {
    it(`${service}: request counts and latency histograms by route`, () => {
      const text = metrics[service]!;
      expect(
        total(text, 'http_requests_total', { route: '/healthz', status: '200' }),
      ).to.be.at.least(1);
      expect(
        total(text, 'http_requests_total', { route: '/readyz', status: '200' }),
      ).to.be.at.least(1);
      expect(samples(text, 'http_request_duration_seconds_bucket').length).to.be.greaterThan(0);
      expect(samples(text, 'http_request_duration_seconds_count').length).to.be.greaterThan(0);
    });
  }

  it('ingest: produce latency and accepted checkpoints', () => {
    const text = metrics.ingest!;
    expect(total(text, 'kafka_produce_duration_seconds_count')).to.be.at.least(1);
    expect(samples(text, 'kafka_produce_duration_seconds_bucket').length).to.be.greaterThan(0);
    expect(total(text, 'checkpoints_accepted_total')).to.be.at.least(1);
    expect(
      total(text, 'http_requests_total', { route: '/playback/update', status: '202' }),
    ).to.equal(1);
  });

  it('resume: cache lookups by result and database fallbacks', () => {
    const text = metrics.resume!;
    for (const result of ['hit', 'miss', 'error']) {
      expect(samples(text, 'resume_cache_lookups_total').map((s) => s.labels.result)).to.include(
        result,
      );
    }
    expect(total(text, 'resume_cache_lookups_total', { result: 'hit' })).to.be.at.least(1);
    expect(total(text, 'resume_cache_lookups_total', { result: 'miss' })).to.be.at.least(1);
    expect(total(text, 'resume_database_fallbacks_total', { reason: 'miss' })).to.be.at.least(1);
  });

  it('checkpointer: checkpoints in against rows written, keys waiting, lag per partition', () => {
    const text = metrics.checkpointer!;
    expect(total(text, 'checkpointer_checkpoints_in_total')).to.be.at.least(1);
    // The write came from the drain's flush, between batches: counted all the same.
    expect(total(text, 'checkpointer_db_rows_written_total')).to.be.at.least(1);
    expect(samples(text, 'checkpointer_keys_waiting')).to.deep.equal([
      { labels: { service: 'checkpointer' }, value: 0 },
    ]);
    const lag = samples(text, 'consumer_lag_messages');
    expect(lag.length).to.be.greaterThan(0);
    for (const s of lag) {
      expect(s.labels.group).to.equal(pipeline.env.CHECKPOINTER_GROUP);
      expect(s.labels.partition).to.match(/^\d+$/);
    }
    expect(samples(text, 'dead_letters_total')).to.have.length(1);
    expect(samples(text, 'retention_rows_deleted_total')).to.have.length(1);
  });

  it('projector: lag per partition, checkpoints in, Redis writes, dead letters', () => {
    const text = metrics.projector!;
    expect(total(text, 'projector_checkpoints_in_total')).to.be.at.least(1);
    expect(total(text, 'projector_redis_writes_total')).to.be.at.least(1);
    const lag = samples(text, 'consumer_lag_messages');
    expect(lag.length).to.be.greaterThan(0);
    expect(lag.every((s) => s.labels.group === pipeline.env.PROJECTOR_GROUP)).to.equal(true);
    expect(samples(text, 'dead_letters_total')).to.have.length(1);
  });
});
