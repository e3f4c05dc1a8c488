import { expect } from 'chai';

import {
  DEFAULT_RULES,
  applyCheckpoint,
  formatClock,
  isListed,
  resumePosition,
  resumePrompt,
} from '../src/index.js';
import { at, checkpoint, state, stateOf } from './builders.js';

describe('resume view', () => {
  describe('resumePosition (rule 6)', () => {
    it('is the stored position when it is worth resuming', () => {
      expect(resumePosition(state({ positionSeconds: 671 }))).to.equal(671);
    });

    it('is 0 under 60 s and the position from 60 s on', () => {
      expect(resumePosition(state({ positionSeconds: 59.9 }))).to.equal(0);
      expect(resumePosition(state({ positionSeconds: 60 }))).to.equal(60);
    });

    it('is 0 for a video shorter than 5 min, and the position for one of exactly 5 min', () => {
      expect(resumePosition(state({ positionSeconds: 120, durationSeconds: 299 }))).to.equal(0);
      expect(resumePosition(state({ positionSeconds: 120, durationSeconds: 300 }))).to.equal(120);
    });

    it('is the position when the duration is unknown', () => {
      expect(resumePosition(state({ positionSeconds: 120, durationSeconds: null }))).to.equal(120);
    });

    it('is 0 for a completed video', () => {
      expect(resumePosition(state({ positionSeconds: 7000, completed: true }))).to.equal(0);
    });

    it('follows thresholds changed by a setting', () => {
      const rules = { ...DEFAULT_RULES, minResumeSeconds: 180 };

      expect(resumePosition(state({ positionSeconds: 120 }), rules)).to.equal(0);
    });
  });

  describe('resumePrompt (rule 7)', () => {
    const promptAt = (positionSeconds: number) => resumePrompt(state({ positionSeconds }));

    it('shows m:ss under an hour', () => {
      expect(promptAt(671)).to.equal('Resume from 11:11?');
      expect(promptAt(65)).to.equal('Resume from 1:05?');
      expect(promptAt(3010)).to.equal('Resume from 50:10?');
      expect(promptAt(3599)).to.equal('Resume from 59:59?');
    });

    it('shows h:mm:ss from an hour on', () => {
      expect(promptAt(3600)).to.equal('Resume from 1:00:00?');
      expect(promptAt(3671)).to.equal('Resume from 1:01:11?');
      expect(promptAt(36_005)).to.equal('Resume from 10:00:05?');
    });

    it('rounds a fractional position down to the second', () => {
      expect(promptAt(671.9)).to.equal('Resume from 11:11?');
    });

    it('is null whenever the resume position is 0', () => {
      expect(promptAt(30)).to.equal(null);
      expect(resumePrompt(state({ positionSeconds: 120, durationSeconds: 200 }))).to.equal(null);
      expect(resumePrompt(state({ positionSeconds: 3000, completed: true }))).to.equal(null);
    });
  });

  describe('formatClock', () => {
    it('pads seconds, and minutes only when hours are shown', () => {
      expect(formatClock(0)).to.equal('0:00');
      expect(formatClock(9)).to.equal('0:09');
      expect(formatClock(3609)).to.equal('1:00:09');
    });
  });

  describe('isListed (continue watching and rule 8)', () => {
    it('lists an entry worth resuming that was never hidden', () => {
      expect(isListed(state(), null)).to.equal(true);
    });

    it('leaves out completed entries, short videos and positions under 60 s', () => {
      expect(isListed(state({ completed: true }), null)).to.equal(false);
      expect(isListed(state({ durationSeconds: 200, positionSeconds: 120 }), null)).to.equal(false);
      expect(isListed(state({ positionSeconds: 30 }), null)).to.equal(false);
    });

    it('leaves out an entry hidden after it last moved', () => {
      expect(isListed(state({ movedAt: at(0) }), at(0))).to.equal(false);
      expect(isListed(state({ movedAt: at(0) }), at(10))).to.equal(false);
    });

    it('lists a hidden entry again once its position moves after the hide', () => {
      const hiddenAt = at(5);
      const before = stateOf({ t: 0, pos: 1000, event: 'pause' });
      const moved = applyCheckpoint(before, checkpoint({ t: 10, pos: 1010 })).state;

      expect(isListed(moved, hiddenAt)).to.equal(true);
    });

    it('keeps a hidden entry hidden for checkpoints that do not move it', () => {
      const hiddenAt = at(5);
      let current = stateOf({ t: 0, pos: 1000, event: 'pause' });
      const still = [
        checkpoint({ t: 10, pos: 1000, event: 'heartbeat' }),
        checkpoint({ t: 20, pos: 995, event: 'heartbeat' }),
        checkpoint({ t: 30, pos: 0, event: 'start', device: 'phone-1' }),
      ];

      for (const cp of still) {
        current = applyCheckpoint(current, cp).state;
        expect(isListed(current, hiddenAt), cp.event).to.equal(false);
      }
    });

    it('does not list a hidden entry whose move came back as a completion', () => {
      const hiddenAt = at(5);
      const before = stateOf({ t: 0, pos: 1000, event: 'pause' });
      const ended = applyCheckpoint(before, checkpoint({ t: 10, pos: 7000, event: 'ended' })).state;

      expect(isListed(ended, hiddenAt)).to.equal(false);
    });
  });
});
