import { expect } from 'chai';

import { applyCheckpoint, isListed, resumePosition, resumePrompt } from '../src/index.js';
import { at, checkpoint, finalOf, replay, stateOf } from './builders.js';

describe('applyCheckpoint', () => {
  describe('a key seen for the first time', () => {
    it('takes the checkpoint as its state', () => {
      const applied = applyCheckpoint(
        null,
        checkpoint({ t: 0, pos: 671, event: 'pause', device: 'phone-1' }),
      );

      expect(applied.outcome).to.equal('created');
      expect(applied.changed).to.equal(true);
      expect(applied.state).to.deep.equal({
        positionSeconds: 671,
        updatedAt: at(0),
        deviceId: 'phone-1',
        durationSeconds: 7200,
        completed: false,
        movedAt: at(0),
        held: null,
      });
    });

    it('keeps the duration it knows when a later checkpoint omits it', () => {
      const final = stateOf({ t: 0, pos: 600 }, { t: 10, pos: 610, duration: null });

      expect(final.durationSeconds).to.equal(7200);
    });
  });

  describe('rule 1: last write wins', () => {
    it('lets a newer checkpoint from another device replace the position', () => {
      const final = stateOf(
        { t: 0, pos: 1000, event: 'pause', device: 'phone-1' },
        { t: 60, pos: 2000, event: 'pause', device: 'tv-1' },
      );

      expect(final.positionSeconds).to.equal(2000);
      expect(final.deviceId).to.equal('tv-1');
      expect(final.updatedAt).to.equal(at(60));
    });

    it('changes nothing for a checkpoint older than the state, however far it went', () => {
      const [first, late] = replay(
        { t: 100, pos: 1000, event: 'pause' },
        { t: 50, pos: 5000, event: 'pause', device: 'phone-1' },
      );

      expect(late?.outcome).to.equal('stale');
      expect(late?.changed).to.equal(false);
      expect(late?.state).to.equal(first?.state);
    });

    it('changes nothing for a checkpoint with the same event time (a duplicate or replay)', () => {
      const [first, again] = replay({ t: 100, pos: 1000 }, { t: 100, pos: 1200 });

      expect(again?.outcome).to.equal('stale');
      expect(again?.state).to.equal(first?.state);
    });
  });

  describe('rule 2: jitter', () => {
    it('ignores a step back of less than 10 s that is not a seek', () => {
      const final = finalOf(
        { t: 0, pos: 1000, event: 'pause', device: 'phone-1' },
        { t: 30, pos: 995, device: 'tv-1' },
      );

      expect(final.outcome).to.equal('jitter');
      expect(final.state.positionSeconds).to.equal(1000);
      expect(final.state.deviceId).to.equal('phone-1');
      expect(final.state.movedAt).to.equal(at(0));
      expect(final.state.updatedAt).to.equal(at(30));
    });

    it('still ignores a step back of 9.9 s, and applies one of exactly 10 s', () => {
      expect(stateOf({ t: 0, pos: 1000 }, { t: 10, pos: 990.1 }).positionSeconds).to.equal(1000);
      expect(stateOf({ t: 0, pos: 1000 }, { t: 10, pos: 990 }).positionSeconds).to.equal(990);
    });

    it('applies a small step back when it is a seek', () => {
      const final = stateOf({ t: 0, pos: 1000 }, { t: 10, pos: 995, event: 'seek' });

      expect(final.positionSeconds).to.equal(995);
    });

    it('applies a move back of a few minutes at once', () => {
      const final = stateOf({ t: 0, pos: 1000 }, { t: 10, pos: 800, event: 'pause' });

      expect(final.positionSeconds).to.equal(800);
      expect(final.held).to.equal(null);
    });
  });

  describe('rule 3: large rewinds are held', () => {
    it('holds a move back of more than 5 min and keeps the position', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'stop' },
        { t: 600, pos: 0, event: 'start', device: 'tv-1' },
      );

      expect(final.outcome).to.equal('held');
      expect(final.state.positionSeconds).to.equal(3000);
      expect(final.state.movedAt).to.equal(at(0));
      expect(final.state.held).to.deep.equal({ positionSeconds: 0, deviceId: 'tv-1', at: at(600) });
    });

    it('applies a move back of exactly 5 min at once', () => {
      expect(stateOf({ t: 0, pos: 3000 }, { t: 10, pos: 2700 }).positionSeconds).to.equal(2700);
      expect(stateOf({ t: 0, pos: 3000 }, { t: 10, pos: 2699 }).positionSeconds).to.equal(3000);
    });

    it('promotes the held position once the same device is 30 s further and 30 s later', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'stop' },
        { t: 600, pos: 0, event: 'start' },
        { t: 630, pos: 30 },
      );

      expect(final.outcome).to.equal('promoted');
      expect(final.state.positionSeconds).to.equal(30);
      expect(final.state.held).to.equal(null);
      expect(final.state.movedAt).to.equal(at(630));
    });

    it('keeps holding while the device has played on 30 s further but for less than 30 s', () => {
      const steps = replay(
        { t: 0, pos: 3000, event: 'stop' },
        { t: 600, pos: 0, event: 'start' },
        { t: 620, pos: 45 },
        { t: 630, pos: 55 },
      );

      expect(steps[2]?.outcome).to.equal('held');
      expect(steps[2]?.state.positionSeconds).to.equal(3000);
      expect(steps[3]?.outcome).to.equal('promoted');
      expect(steps[3]?.state.positionSeconds).to.equal(55);
    });

    it('keeps holding while the device is 30 s later but less than 30 s further', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'stop' },
        { t: 600, pos: 0, event: 'start' },
        { t: 660, pos: 29, event: 'pause' },
      );

      expect(final.outcome).to.equal('held');
      expect(final.state.positionSeconds).to.equal(3000);
      expect(final.state.held?.positionSeconds).to.equal(0);
    });

    it('is not promoted by another device playing on from the held spot', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'stop', device: 'tv-1' },
        { t: 600, pos: 0, event: 'start', device: 'phone-1' },
        { t: 700, pos: 100, device: 'tablet-1' },
      );

      expect(final.outcome).to.equal('held');
      expect(final.state.positionSeconds).to.equal(3000);
      // The tablet's own rewind is held in turn; it must play on from it by itself.
      expect(final.state.held).to.deep.equal({
        positionSeconds: 100,
        deviceId: 'tablet-1',
        at: at(700),
      });
    });

    it('keeps the hold at its origin while the device reports from it', () => {
      const steps = replay(
        { t: 0, pos: 3000, event: 'stop' },
        { t: 600, pos: 0, event: 'start' },
        { t: 603, pos: 2, event: 'background' },
      );

      expect(steps[2]?.state.positionSeconds).to.equal(3000);
      expect(steps[2]?.state.held).to.deep.equal({
        positionSeconds: 0,
        deviceId: 'tv-1',
        at: at(600),
      });
    });

    it('starts the hold anew when the device goes further back', () => {
      const steps = replay(
        { t: 0, pos: 3000, event: 'stop', device: 'tv-1' },
        { t: 600, pos: 1000, device: 'phone-1' },
        { t: 620, pos: 800, device: 'phone-1' },
        { t: 630, pos: 1030, device: 'phone-1' },
        { t: 650, pos: 1050, device: 'phone-1' },
      );

      expect(steps[2]?.state.held).to.deep.equal({
        positionSeconds: 800,
        deviceId: 'phone-1',
        at: at(620),
      });
      expect(steps[3]?.outcome).to.equal('held');
      expect(steps[4]?.outcome).to.equal('promoted');
      expect(steps[4]?.state.positionSeconds).to.equal(1050);
    });

    it('starts the hold anew when the device starts again', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'stop' },
        { t: 600, pos: 0, event: 'start' },
        { t: 640, pos: 5, event: 'start' },
        { t: 660, pos: 35 },
      );

      expect(final.outcome).to.equal('held');
      expect(final.state.held).to.deep.equal({ positionSeconds: 5, deviceId: 'tv-1', at: at(640) });
    });

    it('drops the hold when the holding device moves within 5 min of the position', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'stop', device: 'tv-1' },
        { t: 600, pos: 0, event: 'start', device: 'phone-1' },
        { t: 610, pos: 2800, event: 'pause', device: 'phone-1' },
      );

      expect(final.outcome).to.equal('moved');
      expect(final.state.positionSeconds).to.equal(2800);
      expect(final.state.held).to.equal(null);
    });

    it('keeps the hold while another device moves the position', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'stop', device: 'tv-1' },
        { t: 600, pos: 0, event: 'start', device: 'phone-1' },
        { t: 610, pos: 3020, device: 'tv-1' },
        { t: 640, pos: 40, device: 'phone-1' },
      );

      expect(final.outcome).to.equal('promoted');
      expect(final.state.positionSeconds).to.equal(40);
    });

    it('applies a seek at once, however far back', () => {
      const final = finalOf({ t: 0, pos: 6000, event: 'pause' }, { t: 60, pos: 0, event: 'seek' });

      expect(final.outcome).to.equal('moved');
      expect(final.state.positionSeconds).to.equal(0);
      expect(final.state.held).to.equal(null);
    });

    it('applies a seek at once, however far forward', () => {
      const final = stateOf({ t: 0, pos: 60 }, { t: 10, pos: 3000, event: 'seek' });

      expect(final.positionSeconds).to.equal(3000);
    });

    it('drops a pending hold when a seek applies', () => {
      const final = stateOf(
        { t: 0, pos: 3000, event: 'stop' },
        { t: 600, pos: 0, event: 'start' },
        { t: 610, pos: 1500, event: 'seek' },
      );

      expect(final.positionSeconds).to.equal(1500);
      expect(final.held).to.equal(null);
    });
  });

  describe('rule 4: positions stay within the video', () => {
    it('clamps a position a few seconds past the end to the duration', () => {
      const final = stateOf({ t: 0, pos: 7203, event: 'pause', duration: 7200 });

      expect(final.positionSeconds).to.equal(7200);
    });

    it('clamps a negative position to 0', () => {
      expect(stateOf({ t: 0, pos: -3 }).positionSeconds).to.equal(0);
    });

    it('clamps the stored position when a later checkpoint reports a shorter duration', () => {
      const final = stateOf({ t: 0, pos: 200, duration: null }, { t: 10, pos: 195, duration: 190 });

      expect(final.positionSeconds).to.equal(190);
      expect(final.durationSeconds).to.equal(190);
    });

    it('does not clamp from above when no duration is known', () => {
      expect(stateOf({ t: 0, pos: 90_000, duration: null }).positionSeconds).to.equal(90_000);
    });
  });

  describe('rule 5: completion', () => {
    it('completes on an ended event even far behind the position: the player said so', () => {
      const final = finalOf(
        { t: 0, pos: 3000, event: 'pause' },
        { t: 60, pos: 100, event: 'ended' },
      );

      expect(final.state.completed).to.equal(true);
      expect(final.state.held).to.equal(null);
      expect(resumePosition(final.state)).to.equal(0);
    });

    it('completes a video at exactly 90 % of its duration', () => {
      const final = finalOf({ t: 0, pos: 1000 }, { t: 10, pos: 6480 });

      expect(final.outcome).to.equal('completed');
      expect(final.state.completed).to.equal(true);
      expect(resumePosition(final.state)).to.equal(0);
    });

    it('does not complete a video just under 90 %', () => {
      expect(stateOf({ t: 0, pos: 6479.9 }).completed).to.equal(false);
    });

    it('completes on an `ended` event wherever the position is', () => {
      expect(stateOf({ t: 0, pos: 3000 }, { t: 5, pos: 3001, event: 'ended' }).completed).to.equal(
        true,
      );
      expect(stateOf({ t: 0, pos: 3000, event: 'ended', duration: null }).completed).to.equal(true);
    });

    it('completes on an `ended` that lands inside the jitter window', () => {
      expect(stateOf({ t: 0, pos: 3000 }, { t: 5, pos: 2995, event: 'ended' }).completed).to.equal(
        true,
      );
    });

    it('does not complete by position when the duration is unknown', () => {
      expect(stateOf({ t: 0, pos: 90_000, duration: null }).completed).to.equal(false);
    });

    it('is not reopened by later reports of the same viewing', () => {
      const steps = replay(
        { t: 0, pos: 2300, duration: 2640, device: 'pc-1' },
        { t: 140, pos: 2640, event: 'ended', duration: 2640, device: 'pc-1' },
        { t: 142, pos: 2480, event: 'stop', duration: 2640, device: 'pc-1' },
        { t: 150, pos: 2000, event: 'pause', duration: 2640, device: 'pc-1' },
        { t: 160, pos: 600, duration: 2640, device: 'tv-1' },
      );

      for (const step of steps.slice(2)) {
        expect(step.outcome).to.equal('after-completion');
        expect(step.state.completed).to.equal(true);
        expect(step.state.positionSeconds).to.equal(steps[1]?.state.positionSeconds);
        expect(resumePosition(step.state)).to.equal(0);
      }
    });

    it('is not reopened by a stale device that plays on without a new start', () => {
      const final = finalOf(
        { t: 0, pos: 6600, event: 'ended', device: 'tv-1' },
        { t: 100, pos: 1000, device: 'phone-1' },
        { t: 200, pos: 1100, device: 'phone-1' },
      );

      expect(final.state.completed).to.equal(true);
      expect(final.state.held).to.equal(null);
    });

    it('is not reopened by a seek of the same viewing that plays on', () => {
      const final = finalOf(
        { t: 0, pos: 6600, event: 'ended' },
        { t: 10, pos: 1000, event: 'seek' },
        { t: 60, pos: 1050 },
      );

      expect(final.state.completed).to.equal(true);
      expect(resumePosition(final.state)).to.equal(0);
    });

    it('is not reopened by a new start alone', () => {
      const final = finalOf(
        { t: 0, pos: 6600, event: 'ended' },
        { t: 600, pos: 0, event: 'start' },
        { t: 610, pos: 10 },
      );

      expect(final.state.completed).to.equal(true);
      expect(final.state.held).to.deep.equal({ positionSeconds: 0, deviceId: 'tv-1', at: at(600) });
    });

    it('is reopened by a new start followed by 30 s of play on the same device', () => {
      const final = finalOf(
        { t: 0, pos: 6600, event: 'ended' },
        { t: 600, pos: 0, event: 'start' },
        { t: 700, pos: 100, event: 'pause' },
      );

      expect(final.outcome).to.equal('promoted');
      expect(final.state.completed).to.equal(false);
      expect(final.state.positionSeconds).to.equal(100);
      expect(resumePosition(final.state)).to.equal(100);
    });

    it('is not reopened when another device plays on from the new start', () => {
      const final = finalOf(
        { t: 0, pos: 6600, event: 'ended' },
        { t: 600, pos: 0, event: 'start', device: 'phone-1' },
        { t: 700, pos: 100, device: 'tv-1' },
      );

      expect(final.state.completed).to.equal(true);
    });

    it('ignores a seek from another device while a new start is held', () => {
      const final = finalOf(
        { t: 0, pos: 6600, event: 'ended' },
        { t: 600, pos: 0, event: 'start', device: 'phone-1' },
        { t: 610, pos: 3000, event: 'seek', device: 'tv-1' },
      );

      expect(final.outcome).to.equal('after-completion');
      expect(final.state.held).to.deep.equal({
        positionSeconds: 0,
        deviceId: 'phone-1',
        at: at(600),
      });
    });

    it('follows a seek within the new viewing and reopens where play goes on', () => {
      const final = finalOf(
        { t: 0, pos: 6600, event: 'ended' },
        { t: 600, pos: 0, event: 'start' },
        { t: 605, pos: 3000, event: 'seek' },
        { t: 640, pos: 3035 },
      );

      expect(final.state.completed).to.equal(false);
      expect(final.state.positionSeconds).to.equal(3035);
    });
  });

  describe('rule 6: not worth resuming', () => {
    it('stores a position under 60 s but offers no resume from it', () => {
      const final = stateOf({ t: 0, pos: 45, event: 'pause' });

      expect(final.positionSeconds).to.equal(45);
      expect(resumePosition(final)).to.equal(0);
    });
  });

  describe('rule 7: prompt', () => {
    it('gives the prompt for the position the rules kept', () => {
      const final = stateOf({ t: 0, pos: 671, event: 'pause' }, { t: 30, pos: 665 });

      expect(resumePrompt(final)).to.equal('Resume from 11:11?');
    });
  });

  describe('rule 8: hidden entries come back when they move', () => {
    it('records when the position last moved, and only when it moved', () => {
      const steps = replay(
        { t: 0, pos: 1000, event: 'pause' },
        { t: 10, pos: 1000, event: 'heartbeat' },
        { t: 20, pos: 995 },
        { t: 30, pos: 10, event: 'start', device: 'phone-1' },
        { t: 40, pos: 1100 },
      );

      expect(steps.map((step) => step.state.movedAt)).to.deep.equal([
        at(0),
        at(0),
        at(0),
        at(0),
        at(40),
      ]);
    });

    it('lists a hidden entry again after a checkpoint that moves it', () => {
      const hiddenAt = at(5);
      const before = stateOf({ t: 0, pos: 1000, event: 'pause' });
      const after = applyCheckpoint(before, checkpoint({ t: 10, pos: 1020 })).state;

      expect(isListed(before, hiddenAt)).to.equal(false);
      expect(isListed(after, hiddenAt)).to.equal(true);
    });
  });
});
