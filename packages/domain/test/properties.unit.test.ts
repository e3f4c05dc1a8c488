import { expect } from 'chai';
import fc from 'fast-check';

import {
  MAX_ID_LENGTH,
  PLAYBACK_EVENTS,
  applyCheckpoint,
  resumePosition,
  resumePrompt,
  validateCheckpoint,
  type Checkpoint,
  type ResumeState,
} from '../src/index.js';
import { T0 } from './builders.js';

const RECEIVED = Date.UTC(2026, 0, 31, 20, 0, 0);

/**
 * Checkpoints of one key from a few devices, within an hour, on whole seconds so that
 * equal event times happen; durations vary, including unknown and short ones.
 */
const checkpointArb: fc.Arbitrary<Checkpoint> = fc.record({
  accountId: fc.constant('acct-1'),
  profileId: fc.constant('p1'),
  videoId: fc.constant('v1'),
  deviceId: fc.constantFrom('tv-1', 'phone-1', 'web-1'),
  positionSeconds: fc.oneof(
    fc.integer({ min: -10, max: 8000 }),
    fc.double({ min: 0, max: 8000, noNaN: true }),
  ),
  event: fc.constantFrom(...PLAYBACK_EVENTS),
  durationSeconds: fc.constantFrom(null, 200, 3000, 7200),
  sessionId: fc.constant(null),
  eventTime: fc.integer({ min: 0, max: 3600 }).map((s) => T0 + s * 1000),
});

const historyArb = fc.array(checkpointArb, { maxLength: 30 });

function applyAll(history: readonly Checkpoint[], from: ResumeState | null = null) {
  let state = from;
  for (const cp of history) state = applyCheckpoint(state, cp).state;
  return state;
}

/** The id rules, written apart from the code: 1 to 128 characters, no '#', no control. */
function isValidId(id: unknown): boolean {
  if (typeof id !== 'string' || id.length < 1 || id.length > MAX_ID_LENGTH) return false;
  return [...id].every((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    return ch !== '#' && !control;
  });
}

describe('properties of the rules', () => {
  it('applying a checkpoint twice is the same as applying it once', () => {
    fc.assert(
      fc.property(historyArb, checkpointArb, (history, cp) => {
        const once = applyCheckpoint(applyAll(history), cp).state;
        const twice = applyCheckpoint(once, cp);

        expect(twice.changed).to.equal(false);
        expect(twice.state).to.deep.equal(once);
      }),
    );
  });

  it('never moves updatedAt backwards', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        let state: ResumeState | null = null;
        for (const cp of history) {
          const next: ResumeState = applyCheckpoint(state, cp).state;
          if (state !== null) expect(next.updatedAt).to.be.at.least(state.updatedAt);
          state = next;
        }
      }),
    );
  });

  it('keeps the position within [0, duration], and at or above 0 when no duration is known', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        let state: ResumeState | null = null;
        for (const cp of history) {
          state = applyCheckpoint(state, cp).state;
          expect(state.positionSeconds).to.be.at.least(0);
          if (state.durationSeconds !== null) {
            expect(state.positionSeconds).to.be.at.most(state.durationSeconds);
          }
        }
      }),
    );
  });

  it('ends with the newest event time whatever order the checkpoints arrive in', () => {
    fc.assert(
      fc.property(
        fc
          .array(checkpointArb, { minLength: 1, maxLength: 20 })
          .chain((history) =>
            fc.tuple(
              fc.constant(history),
              fc.shuffledSubarray(history, { minLength: history.length }),
            ),
          ),
        ([history, arrival]) => {
          const newest = Math.max(...history.map((cp) => cp.eventTime));

          expect(applyAll(history)?.updatedAt).to.equal(newest);
          expect(applyAll(arrival)?.updatedAt).to.equal(newest);
        },
      ),
    );
  });

  it('ends in the same state when checkpoints are delivered again later (at least once)', () => {
    // Kafka delivers at least once: a consumer that restarts replays from its committed
    // offset, so any checkpoint may come again after later ones. The state must not move.
    fc.assert(
      fc.property(
        fc.array(checkpointArb, { minLength: 1, maxLength: 20 }).chain((history) =>
          fc.tuple(
            fc.constant(history),
            fc.array(fc.tuple(fc.nat(history.length - 1), fc.nat(history.length)), {
              maxLength: 10,
            }),
          ),
        ),
        ([history, repeats]) => {
          // Each repeat delivers history[from] again right after history[from + offset].
          const delivered = history.flatMap((cp, i) => [
            cp,
            ...repeats
              .filter(([from, offset]) => Math.min(from + offset, history.length - 1) === i)
              .map(([from]) => history[from]!),
          ]);

          expect(applyAll(delivered)).to.deep.equal(applyAll(history));
        },
      ),
    );
  });

  it('gives no prompt exactly when the resume position is 0', () => {
    fc.assert(
      fc.property(fc.array(checkpointArb, { minLength: 1, maxLength: 30 }), (history) => {
        const state = applyAll(history) as ResumeState;

        expect(resumePrompt(state) === null).to.equal(resumePosition(state) === 0);
      }),
    );
  });
});

describe('properties of validation', () => {
  /** Mostly plausible, sometimes wild: enough of each to reach acceptance and refusal. */
  const mostly = <T>(plausible: fc.Arbitrary<T>, ...wild: fc.Arbitrary<unknown>[]) =>
    fc.oneof(
      { arbitrary: plausible, weight: 12 },
      ...wild.map((arbitrary) => ({ arbitrary, weight: 1 })),
    );

  const idArb = mostly(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 140 }),
    fc.constantFrom('v#1', 'tv\u0000', 'a\u0085', 'x'.repeat(129), ''),
    fc.anything(),
  );

  /** Bodies close enough to a checkpoint that many are accepted. */
  const nearCheckpointArb = fc.record(
    {
      account_id: idArb,
      profile_id: idArb,
      video_id: idArb,
      device_id: idArb,
      session_id: idArb,
      position_seconds: mostly(fc.integer({ min: 0, max: 7200 }), fc.double(), fc.anything()),
      duration_seconds: mostly(fc.constant(7200), fc.double(), fc.anything()),
      event: mostly(fc.constantFrom(...PLAYBACK_EVENTS), fc.anything()),
      client_ts: mostly(
        fc
          .integer({ min: RECEIVED - 40 * 86_400_000, max: RECEIVED })
          .map((ms) => new Date(ms).toISOString()),
        fc.string(),
        fc.anything(),
      ),
      sent_at: mostly(fc.constant('2026-01-31T20:00:00Z'), fc.anything()),
    },
    {
      requiredKeys: [
        'account_id',
        'profile_id',
        'video_id',
        'device_id',
        'position_seconds',
        'event',
      ],
    },
  );

  function checkAnswer(input: unknown): boolean {
    const result = validateCheckpoint(input, RECEIVED);
    if (!result.ok) {
      expect(result.error.code).to.be.a('string').and.not.equal('');
      expect(result.error.field).to.be.a('string').and.not.equal('');
      expect(result.error.message).to.be.a('string').and.not.equal('');
      return false;
    }

    const { checkpoint } = result.value;
    for (const id of [checkpoint.accountId, checkpoint.profileId, checkpoint.videoId]) {
      expect(isValidId(id), JSON.stringify(id)).to.equal(true);
    }
    expect(isValidId(checkpoint.deviceId)).to.equal(true);
    expect(checkpoint.sessionId === null || isValidId(checkpoint.sessionId)).to.equal(true);
    expect(checkpoint.eventTime).to.be.at.most(RECEIVED);
    return true;
  }

  it('never throws on arbitrary JSON, and answers with a complete error when it refuses', () => {
    fc.assert(fc.property(fc.anything(), (input) => void checkAnswer(input)));
    fc.assert(fc.property(fc.jsonValue(), (input) => void checkAnswer(input)));
  });

  it('accepts only ids that keep the id rules', () => {
    let acceptedCount = 0;

    fc.assert(
      fc.property(nearCheckpointArb, (input) => {
        if (checkAnswer(input)) acceptedCount += 1;
      }),
      { numRuns: 300 },
    );

    // The property means little unless some bodies got through.
    expect(acceptedCount).to.be.greaterThan(5);
  });
});
