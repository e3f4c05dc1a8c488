import { expect } from 'chai';
import { createLogger } from '@playhead/logger';
import { prom } from '@playhead/http';
import { RetentionJob, type DeleteExpired } from '../src/retention-job.js';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-12-01T00:00:00Z');
const logger = createLogger('test', { level: 'silent' });

/** A table of `rows` expired entries that a DELETE ... LIMIT eats through. */
function expiredRows(rows: number) {
  const calls: Array<{ before: number; limit: number }> = [];
  let left = rows;
  const deleteExpired: DeleteExpired = async (before, limit) => {
    calls.push({ before, limit });
    const n = Math.min(left, limit);
    left -= n;
    return n;
  };
  return { calls, deleteExpired, left: () => left };
}

function job(deleteExpired: DeleteExpired, registry = new prom.Registry()) {
  return new RetentionJob(
    deleteExpired,
    { intervalMs: 3_600_000, retentionMs: 180 * DAY_MS, batchSize: 100 },
    () => NOW,
    registry,
    logger,
  );
}

describe('retention job', () => {
  it('deletes in batches until a batch comes back short', async () => {
    const table = expiredRows(250);

    expect(await job(table.deleteExpired).runOnce()).to.equal(250);

    expect(table.calls.map((c) => c.limit)).to.deep.equal([100, 100, 100]);
    expect(table.left()).to.equal(0);
  });

  it('cuts off at now minus the retention period', async () => {
    const table = expiredRows(0);

    await job(table.deleteExpired).runOnce();

    expect(table.calls).to.deep.equal([{ before: NOW - 180 * DAY_MS, limit: 100 }]);
  });

  it('a second run, as by another instance, deletes nothing more', async () => {
    const table = expiredRows(120);
    await job(table.deleteExpired).runOnce();

    expect(await job(table.deleteExpired).runOnce()).to.equal(0);
  });

  it('stops between batches once stopped', async () => {
    let retention: RetentionJob | null = null;
    let calls = 0;
    retention = job(async (_before, limit) => {
      calls += 1;
      if (calls === 2) void retention!.stop();
      return limit;
    });

    await retention.runOnce();

    expect(calls).to.equal(2);
  });

  it('counts deleted rows and the time of the last run in its metrics', async () => {
    const registry = new prom.Registry();
    await job(expiredRows(42).deleteExpired, registry).runOnce();

    const text = await registry.metrics();
    expect(text).to.match(/^retention_rows_deleted_total 42$/m);
    expect(text).to.match(
      new RegExp(`^retention_last_success_timestamp_seconds ${NOW / 1000}$`, 'm'),
    );
  });

  it('a failing statement fails the run; nothing is counted twice', async () => {
    const registry = new prom.Registry();
    const failing = job(async () => {
      throw new Error('connection terminated');
    }, registry);

    const error = await failing.runOnce().then(
      () => null,
      (e: Error) => e,
    );

    expect(error?.message).to.equal('connection terminated');
    expect(await registry.metrics()).to.match(/^retention_last_success_timestamp_seconds 0$/m);
  });
});
