import { expect } from 'chai';
import { applyCheckpoint, eventTimeOf, type ResumeState } from '@playhead/domain';
import { SimClock } from '../simulator/clock.js';
import { createViewers, splitLanes } from '../simulator/simulator.js';
import { matches, positionError, Truth } from '../simulator/truth.js';
import { PLAYER_BEHAVIOUR, type PlannedCheckpoint } from '../simulator/viewer.js';

const BASE = Date.UTC(2026, 0, 1);
const key = { accountId: 'a1', profileId: 'p1', videoId: 'v1' };

function cp(overrides: Partial<PlannedCheckpoint>): PlannedCheckpoint {
  return {
    key,
    keyId: 'a1#p1#v1',
    deviceId: 'tv-1',
    clockOffsetMs: 0,
    positionSeconds: 100,
    durationSeconds: 3000,
    event: 'heartbeat',
    sessionId: 's1',
    simMs: BASE,
    ...overrides,
  };
}

/** Runs a whole simulation, every upload accepted with its simulated time as event time. */
function simulate(viewers: number, hours: number) {
  const clock = new SimClock(BASE, hours * 3600_000, 100);
  const lanes = splitLanes(
    createViewers({
      count: viewers,
      accountPrefix: 'test',
      seed: 42,
      behaviour: PLAYER_BEHAVIOUR,
      clock,
    }),
    4,
    clock,
  );
  const truth = new Truth();
  const sent = new Map<string, PlannedCheckpoint[]>();
  let offlineUploads = 0;
  for (const lane of lanes) {
    for (let upload = lane.next(); upload; upload = lane.next()) {
      if (upload.offline) offlineUploads += 1;
      for (const c of upload.checkpoints) {
        truth.accept(c, c.simMs, 0);
        const list = sent.get(c.keyId);
        if (list) list.push(c);
        else sent.set(c.keyId, [c]);
      }
    }
  }
  return { truth, sent, offlineUploads };
}

describe('player simulator', () => {
  describe('truth', () => {
    it('keeps the last accepted position of a key', () => {
      const truth = new Truth();
      truth.accept(cp({ simMs: BASE, positionSeconds: 100 }), BASE, 1);
      truth.accept(cp({ simMs: BASE + 10_000, positionSeconds: 110 }), BASE + 10_000, 2);

      expect(truth.get('a1#p1#v1')).to.include({ positionSeconds: 110, eventTime: BASE + 10_000 });
    });

    it('ignores a checkpoint older than the one it holds, as last write wins', () => {
      const truth = new Truth();
      truth.accept(cp({ simMs: BASE + 10_000, positionSeconds: 110 }), BASE + 10_000, 1);
      truth.accept(cp({ simMs: BASE, positionSeconds: 100 }), BASE, 2);

      expect(truth.get('a1#p1#v1')?.positionSeconds).to.equal(110);
    });

    it('marks completion at 90 % of the duration or an ended event, and keeps it', () => {
      const truth = new Truth();
      truth.accept(cp({ simMs: BASE, positionSeconds: 2699 }), BASE, 1);
      expect(truth.get('a1#p1#v1')?.completed).to.equal(false);
      truth.accept(cp({ simMs: BASE + 1, positionSeconds: 2700 }), BASE + 1, 1);
      truth.accept(cp({ simMs: BASE + 2, positionSeconds: 2710 }), BASE + 2, 1);
      expect(truth.get('a1#p1#v1')?.completed).to.equal(true);

      const ended = new Truth();
      ended.accept(cp({ simMs: BASE, positionSeconds: 10, event: 'ended' }), BASE, 1);
      expect(ended.get('a1#p1#v1')?.completed).to.equal(true);
    });

    it('counts two completed answers as agreeing whatever their positions', () => {
      const truth = new Truth();
      truth.accept(cp({ positionSeconds: 2990 }), BASE, 1);
      const entry = truth.get('a1#p1#v1')!;

      expect(
        positionError(entry, { positionSeconds: 2700, completed: true, updatedAt: BASE }),
      ).to.equal(0);
      expect(
        positionError(entry, { positionSeconds: 2700, completed: false, updatedAt: BASE }),
      ).to.equal(290);
    });
  });

  describe('simulated clock', () => {
    it('spaces event times as the simulated times, whatever the device clock error', () => {
      const clock = new SimClock(BASE, 3600_000, 100);
      const receivedAt = BASE + 5_000_000;
      const eventTime = (simMs: number, offsetMs: number) => {
        const t = clock.deviceTimes(simMs, offsetMs);
        const r = eventTimeOf(receivedAt, {
          clientTs: Date.parse(t.clientTs),
          sentAt: Date.parse(t.sentAt),
        });
        return r.ok ? r.eventTime : NaN;
      };

      expect(eventTime(BASE + 20_000, 300_000) - eventTime(BASE + 10_000, -450_000)).to.equal(
        10_000,
      );
      expect(eventTime(clock.endMs, 123_000)).to.equal(receivedAt);
    });
  });

  describe('viewers', () => {
    const run = simulate(100, 2);

    it('do everything players do', () => {
      const events = new Set<string>();
      let switches = 0;
      for (const list of run.sent.values()) {
        list.forEach((c, i) => {
          events.add(c.event);
          if (i > 0 && c.deviceId !== list[i - 1]!.deviceId) switches += 1;
        });
      }

      expect([...events].sort()).to.deep.equal(
        ['background', 'ended', 'heartbeat', 'pause', 'seek', 'start', 'stop'].sort(),
      );
      expect(switches).to.be.greaterThan(0);
      expect(run.offlineUploads).to.be.greaterThan(0);
    });

    it('report positions the resume rules take as they are: truth equals the rules', () => {
      let completed = 0;
      for (const [id, list] of run.sent) {
        let state: ResumeState | null = null;
        for (const c of list) {
          state = applyCheckpoint(state, {
            ...c.key,
            deviceId: c.deviceId,
            positionSeconds: c.positionSeconds,
            event: c.event,
            durationSeconds: c.durationSeconds,
            sessionId: c.sessionId,
            eventTime: c.simMs,
          }).state;
        }
        const truth = run.truth.get(id)!;
        if (truth.completed) completed += 1;
        const answer = {
          positionSeconds: state!.positionSeconds,
          completed: state!.completed,
          updatedAt: state!.updatedAt,
        };
        expect(matches(truth, answer), `${id}: ${JSON.stringify({ truth, answer })}`).to.equal(
          true,
        );
      }
      expect(completed).to.be.greaterThan(0);
    });

    it('send each key its checkpoints in simulated-time order', () => {
      const unordered = [...run.sent.values()].filter((list) =>
        list.some((c, i) => i > 0 && c.simMs <= list[i - 1]!.simMs),
      );
      expect(unordered).to.have.length(0);
    });
  });
});
