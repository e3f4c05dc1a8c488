import { expect } from 'chai';

import {
  applyCheckpoint,
  decideWrite,
  isWriteDue,
  type LastWrite,
  type PlaybackEvent,
  type ResumeState,
} from '../src/index.js';
import { at, checkpoint, stateOf, type CheckpointSpec } from './builders.js';

/** Applies one checkpoint to `prev` and decides its write against `lastWrite`. */
function decide(prev: ResumeState | null, spec: CheckpointSpec, lastWrite: LastWrite | null) {
  const cp = checkpoint(spec);
  return decideWrite(prev, applyCheckpoint(prev, cp), cp.event, lastWrite);
}

describe('write decision', () => {
  const playing = stateOf({ t: 0, pos: 1000 });
  const written: LastWrite = { positionSeconds: 1000, at: at(0) };

  describe('decideWrite', () => {
    it('skips a checkpoint that changed nothing', () => {
      expect(decide(playing, { t: 0, pos: 1200, event: 'pause' }, written)).to.equal('skip');
    });

    it('writes at once a key the database has never seen', () => {
      expect(decide(null, { t: 0, pos: 10, event: 'heartbeat' }, null)).to.equal('now');
    });

    for (const event of ['pause', 'background', 'stop', 'seek', 'ended'] as PlaybackEvent[]) {
      it(`writes a ${event} at once, even when the position hardly moved`, () => {
        expect(decide(playing, { t: 5, pos: 1002, event }, written)).to.equal('now');
      });
    }

    it('waits for a heartbeat or start that moved 15 s or less', () => {
      expect(decide(playing, { t: 10, pos: 1010 }, written)).to.equal('wait');
      expect(decide(playing, { t: 15, pos: 1015 }, written)).to.equal('wait');
      expect(decide(playing, { t: 15, pos: 1015, event: 'start' }, written)).to.equal('wait');
    });

    it('writes at once a heartbeat that moved more than 15 s since the last write', () => {
      expect(decide(playing, { t: 20, pos: 1015.5 }, written)).to.equal('now');
      expect(decide(playing, { t: 20, pos: 980 }, written)).to.equal('now');
    });

    it('measures the move from the last write, not from the previous checkpoint', () => {
      const moved = stateOf({ t: 0, pos: 1000 }, { t: 10, pos: 1010 });

      expect(decide(moved, { t: 20, pos: 1020 }, written)).to.equal('now');
    });

    it('writes at once a heartbeat that completes the video', () => {
      const nearEnd = stateOf({ t: 0, pos: 6470 });
      const lastWrite = { positionSeconds: 6470, at: at(0) };

      expect(decide(nearEnd, { t: 10, pos: 6480 }, lastWrite)).to.equal('now');
    });

    it('waits for heartbeats after completion', () => {
      const done = stateOf({ t: 0, pos: 7100, event: 'ended' });
      const lastWrite = { positionSeconds: 7100, at: at(0) };

      expect(decide(done, { t: 10, pos: 7110 }, lastWrite)).to.equal('wait');
    });

    it('writes an ended at once on a key already completed', () => {
      const done = stateOf({ t: 0, pos: 6600 });
      const lastWrite = { positionSeconds: 6600, at: at(0) };

      expect(decide(done, { t: 10, pos: 6605 }, lastWrite)).to.equal('wait');
      expect(decide(done, { t: 10, pos: 6605, event: 'ended' }, lastWrite)).to.equal('now');
    });

    it('writes a reopening at once even when it is close to the last write', () => {
      const ended = stateOf({ t: 0, pos: 515, event: 'ended' });
      const lastWrite = { positionSeconds: 515, at: at(0) };
      const started = applyCheckpoint(ended, checkpoint({ t: 600, pos: 500, event: 'start' }));
      const reopened = applyCheckpoint(started.state, checkpoint({ t: 630, pos: 530 }));

      expect(reopened.outcome).to.equal('promoted');
      expect(decideWrite(started.state, reopened, 'heartbeat', lastWrite)).to.equal('now');
    });

    it('waits while a large rewind is held, and writes at once when it is promoted', () => {
      const stopped = stateOf({ t: 0, pos: 3000, event: 'stop' });
      const lastWrite = { positionSeconds: 3000, at: at(0) };
      const started = applyCheckpoint(stopped, checkpoint({ t: 600, pos: 0, event: 'start' }));

      expect(decideWrite(stopped, started, 'start', lastWrite)).to.equal('wait');
      expect(decide(started.state, { t: 610, pos: 10 }, lastWrite)).to.equal('wait');
      expect(decide(started.state, { t: 630, pos: 30 }, lastWrite)).to.equal('now');
    });
  });

  describe('isWriteDue', () => {
    it('is due at once for a key never written', () => {
      expect(isWriteDue(null, at(0))).to.equal(true);
    });

    it('is due 60 s after the key was last written, not before', () => {
      expect(isWriteDue(written, at(59.999))).to.equal(false);
      expect(isWriteDue(written, at(60))).to.equal(true);
    });
  });

  describe('a stream of heartbeats', () => {
    /**
     * A debouncer driven by a clock the test passes in: the hot store follows every
     * checkpoint, the database gets what decideWrite and the timer allow.
     */
    class Debouncer {
      state: ResumeState | null = null;
      lastWrite: LastWrite | null = null;
      waiting: ResumeState | null = null;
      waitingSince: number | null = null;
      readonly writes: { position: number; at: number; why: 'checkpoint' | 'timer' }[] = [];

      receive(spec: CheckpointSpec, now: number): void {
        const cp = checkpoint(spec);
        const applied = applyCheckpoint(this.state, cp);
        const decision = decideWrite(this.state, applied, cp.event, this.lastWrite);
        this.state = applied.state;

        if (decision === 'now') this.write(now, 'checkpoint');
        if (decision === 'wait') {
          this.waiting = applied.state;
          this.waitingSince ??= now;
        }
      }

      tick(now: number): void {
        if (this.waiting !== null && isWriteDue(this.lastWrite, now)) this.write(now, 'timer');
      }

      private write(now: number, why: 'checkpoint' | 'timer'): void {
        const position = (this.state as ResumeState).positionSeconds;
        this.writes.push({ position, at: now, why });
        this.lastWrite = { positionSeconds: position, at: now };
        this.waiting = null;
        this.waitingSince = null;
      }
    }

    /** Runs a clock second by second; a heartbeat every 10 s gives the position at t. */
    function run(seconds: number, positionAt: (t: number) => number) {
      const debouncer = new Debouncer();
      let longestWaitMs = 0;

      for (let t = 0; t <= seconds; t += 1) {
        if (t % 10 === 0) debouncer.receive({ t, pos: positionAt(t) }, at(t));
        debouncer.tick(at(t));
        if (debouncer.waitingSince !== null && debouncer.lastWrite !== null) {
          longestWaitMs = Math.max(longestWaitMs, at(t) - debouncer.lastWrite.at);
        }
      }
      return { writes: debouncer.writes, longestWaitMs, debouncer };
    }

    it('writes steady playback only after more than 15 s of position', () => {
      const { writes } = run(600, (t) => 1000 + t);
      const steps = writes.slice(1).map((w, i) => w.position - (writes[i]?.position ?? 0));

      expect(writes).to.have.length(31);
      for (const step of steps) expect(step).to.be.greaterThan(15);
      expect(writes.every((w) => w.why === 'checkpoint')).to.equal(true);
    });

    it('writes a waiting checkpoint by the timer within 60 s of the last write', () => {
      // Slow motion: 1 s of position per heartbeat, so no heartbeat ever moves 15 s.
      const { writes, longestWaitMs } = run(600, (t) => 1000 + t / 10);
      const gaps = writes.slice(1).map((w, i) => w.at - (writes[i]?.at ?? 0));

      expect(writes.slice(1).every((w) => w.why === 'timer')).to.equal(true);
      for (const gap of gaps) expect(gap).to.equal(60_000);
      expect(longestWaitMs).to.be.at.most(60_000);
    });

    it('writes the last waiting heartbeat by the timer when the stream stops', () => {
      const debouncer = new Debouncer();
      debouncer.receive({ t: 0, pos: 1000 }, at(0));
      debouncer.receive({ t: 10, pos: 1010 }, at(10));

      for (let t = 11; t <= 120; t += 1) debouncer.tick(at(t));

      expect(debouncer.writes).to.deep.equal([
        { position: 1000, at: at(0), why: 'checkpoint' },
        { position: 1010, at: at(60), why: 'timer' },
      ]);
    });
  });
});
