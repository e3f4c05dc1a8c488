import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { DEFAULT_RULES, type Checkpoint, type ResumeKey, type ResumeState } from '@playhead/domain';
import {
  createPool,
  selectResumeState,
  selectResumeStates,
  upsertResumeStates,
  type Pool,
} from '@playhead/store';
import { CheckpointWriter, type Positioned } from '../src/checkpoint-writer.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead';

describe('checkpoint writer against PostgreSQL', () => {
  let db: Pool;
  let now: number;
  let writes: Array<Array<{ key: ResumeKey; state: ResumeState }>>;
  let writer: CheckpointWriter;
  let offset: bigint;

  before(() => {
    db = createPool(DATABASE_URL);
  });
  after(() => db.end());

  beforeEach(() => {
    now = Date.UTC(2026, 5, 1, 20, 0, 0);
    writes = [];
    offset = 0n;
    writer = new CheckpointWriter(
      {
        load: (keys) => selectResumeStates(db, keys),
        // The real upsert, recorded so the test can count what reached the database.
        write: async (entries) => {
          writes.push(entries);
          return upsertResumeStates(db, entries);
        },
      },
      DEFAULT_RULES,
      () => now,
      { maxKeys: 10_000, writeBatchSize: 100 },
    );
  });

  function key(): ResumeKey {
    return { accountId: `acct-${randomBytes(6).toString('hex')}`, profileId: 'p1', videoId: 'v1' };
  }

  function checkpoint(
    k: ResumeKey,
    position: number,
    event: Checkpoint['event'] = 'heartbeat',
  ): Positioned {
    offset += 1n;
    return {
      offset,
      checkpoint: {
        ...k,
        deviceId: 'tv-1',
        positionSeconds: position,
        event,
        durationSeconds: 7200,
        sessionId: null,
        eventTime: now,
      },
    };
  }

  it('writes steady playback at most every 15 s of position, and the rest within 60 s', async () => {
    const k = key();
    const positionsWritten: number[] = [];
    for (let second = 0; second <= 310; second += 10) {
      await writer.apply(0, [checkpoint(k, 600 + second)]);
      await writer.flushDue();
      now += 10_000;
    }
    for (const batch of writes)
      for (const e of batch) positionsWritten.push(e.state.positionSeconds);

    for (let i = 1; i < positionsWritten.length; i += 1) {
      expect(positionsWritten[i]! - positionsWritten[i - 1]!).to.be.greaterThan(15);
    }
    expect(positionsWritten.length).to.be.lessThan(32 / 1.5);

    // The stream stops at 910 s of position, 10 s past the last write: it reaches the database by the timer.
    const row = await selectResumeState(db, k);
    expect(row!.state.positionSeconds).to.equal(900);
    now += 60_000;
    await writer.flushDue();
    expect((await selectResumeState(db, k))!.state.positionSeconds).to.equal(910);
  });

  it('writes a pause at once', async () => {
    const k = key();
    await writer.apply(0, [checkpoint(k, 100)]);
    now += 5000;
    await writer.apply(0, [checkpoint(k, 105, 'pause')]);
    expect((await selectResumeState(db, k))!.state.positionSeconds).to.equal(105);
  });

  it('commits a partition only up to its oldest checkpoint not yet written', async () => {
    const a = key();
    const b = key();
    await writer.apply(3, [checkpoint(a, 100)]);
    now += 1000;
    const waiting = checkpoint(a, 110);
    await writer.apply(3, [waiting, checkpoint(b, 500, 'pause')]);
    expect(writer.committable(3)).to.equal(waiting.offset);

    now += 60_000;
    await writer.flushDue();
    expect(writer.committable(3)).to.equal(offset + 1n);
  });

  it('keeps a failed write waiting and writes it on the next attempt', async () => {
    const k = key();
    let fail = true;
    const flaky = new CheckpointWriter(
      {
        load: (keys) => selectResumeStates(db, keys),
        write: async (entries) => {
          if (fail) throw new Error('connection refused');
          return upsertResumeStates(db, entries);
        },
      },
      DEFAULT_RULES,
      () => now,
      { maxKeys: 10_000, writeBatchSize: 100 },
    );
    const item = checkpoint(k, 1234, 'stop');
    let error: unknown;
    try {
      await flaky.apply(0, [item]);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
    expect(flaky.committable(0)).to.equal(item.offset);

    fail = false;
    await flaky.flushDue();
    expect((await selectResumeState(db, k))!.state.positionSeconds).to.equal(1234);
    expect(flaky.committable(0)).to.equal(item.offset + 1n);
  });

  it('replaying the same checkpoints changes no row', async () => {
    const k = key();
    const items = [checkpoint(k, 100, 'start')];
    now += 20_000;
    items.push(checkpoint(k, 120, 'pause'));
    await writer.apply(0, items);
    const before = await db.query('SELECT * FROM resume_state WHERE account_id = $1', [
      k.accountId,
    ]);

    const fresh = new CheckpointWriter(
      { load: (keys) => selectResumeStates(db, keys), write: (e) => upsertResumeStates(db, e) },
      DEFAULT_RULES,
      () => now,
      { maxKeys: 10_000, writeBatchSize: 100 },
    );
    await fresh.apply(0, items);
    await fresh.flushAll();
    const after = await db.query('SELECT * FROM resume_state WHERE account_id = $1', [k.accountId]);
    expect(after.rows).to.deep.equal(before.rows);
  });
});
