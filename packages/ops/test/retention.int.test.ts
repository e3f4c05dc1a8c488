import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { upsertResumeStates, type Pool } from '@playhead/store';
import { OpsContext } from '../src/context.js';
import { runRetention } from '../src/commands/retention.js';
import { loadOpsSettings } from '../src/settings.js';

// Only rows of 1990 are old enough for these runs (a 30-year period), so the shared
// database's other rows are never touched.
const DAYS = 365 * 30;
const NOW = Date.parse('2026-12-01T00:00:00Z');

describe('playhead retention', function () {
  this.timeout(20_000);
  let ctx: OpsContext;
  let db: Pool;
  const account = `retention-${randomBytes(6).toString('hex')}`;

  before(() => {
    ctx = new OpsContext(loadOpsSettings());
    db = ctx.db();
  });

  after(async () => {
    await db.query('DELETE FROM resume_state WHERE account_id = $1', [account]);
    await ctx.close();
  });

  async function insert(videoId: string, updatedAt: number): Promise<void> {
    const state = {
      positionSeconds: 120,
      updatedAt,
      deviceId: 'tv',
      durationSeconds: 5400,
      completed: false,
      movedAt: updatedAt,
      held: null,
    };
    await upsertResumeStates(db, [
      { key: { accountId: account, profileId: 'p1', videoId }, state },
    ]);
  }

  async function videos(): Promise<string[]> {
    const { rows } = await db.query<{ video_id: string }>(
      'SELECT video_id FROM resume_state WHERE account_id = $1 ORDER BY video_id',
      [account],
    );
    return rows.map((r) => r.video_id);
  }

  it('deletes entries past the period in batches and keeps the rest', async () => {
    for (let i = 0; i < 5; i += 1) await insert(`old-${i}`, Date.UTC(1990, 0, 1 + i));
    await insert('recent', NOW - 86_400_000);

    const dry = await runRetention(ctx, { days: DAYS, batchSize: 2, dryRun: true, now: NOW });
    expect(dry.expired).to.be.at.least(5);
    expect(dry.deleted).to.equal(0);
    expect(await videos()).to.have.length(6);

    const report = await runRetention(ctx, { days: DAYS, batchSize: 2, now: NOW });

    expect(report.deleted).to.equal(report.expired);
    expect(report.cutoff).to.equal(NOW - DAYS * 86_400_000);
    expect(await videos()).to.deep.equal(['recent']);
  });

  it('a second run deletes nothing', async () => {
    await insert('old-again', Date.UTC(1990, 5, 1));
    await runRetention(ctx, { days: DAYS, now: NOW });

    const again = await runRetention(ctx, { days: DAYS, now: NOW });

    expect(again).to.include({ expired: 0, deleted: 0 });
  });
});
