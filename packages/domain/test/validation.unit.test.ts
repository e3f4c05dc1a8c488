import { expect } from 'chai';

import {
  DEFAULT_RULES,
  MAX_ID_LENGTH,
  MAX_SECONDS,
  PLAYBACK_EVENTS,
  validateCheckpoint,
  validateId,
  type InputError,
} from '../src/index.js';

const RECEIVED = Date.UTC(2026, 0, 31, 20, 0, 0);
const DAY = 86_400_000;

/** A checkpoint as a player posts it, on a device clock an hour fast. */
function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account_id: 'acct-1',
    profile_id: 'p1',
    video_id: 'v1',
    device_id: 'tv-1',
    session_id: 's-1',
    position_seconds: 671,
    duration_seconds: 7200,
    event: 'pause',
    client_ts: '2026-01-31T20:59:30.000Z',
    sent_at: '2026-01-31T21:00:00Z',
    ...overrides,
  };
}

function errorOf(input: unknown, prefix?: string): InputError {
  const result = validateCheckpoint(input, RECEIVED, prefix === undefined ? {} : { prefix });
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  expect(result.error.message).to.be.a('string').and.not.equal('');
  return result.error;
}

function accepted(input: unknown, options: Parameters<typeof validateCheckpoint>[2] = {}) {
  const result = validateCheckpoint(input, RECEIVED, options);
  if (!result.ok) throw new Error(`expected acceptance, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const ID_FIELDS = ['account_id', 'profile_id', 'video_id', 'device_id'];

describe('validation', () => {
  describe('validateCheckpoint on a good checkpoint', () => {
    it('turns the posted fields into a checkpoint with a skew-corrected event time', () => {
      expect(accepted(body())).to.deep.equal({
        checkpoint: {
          accountId: 'acct-1',
          profileId: 'p1',
          videoId: 'v1',
          deviceId: 'tv-1',
          positionSeconds: 671,
          event: 'pause',
          durationSeconds: 7200,
          sessionId: 's-1',
          eventTime: RECEIVED - 30_000,
        },
        clientTs: Date.parse('2026-01-31T20:59:30.000Z'),
        receivedAt: RECEIVED,
      });
    });

    it('takes the receive time and nulls when the optional fields are absent', () => {
      const minimal = body({
        session_id: undefined,
        duration_seconds: undefined,
        client_ts: undefined,
        sent_at: undefined,
      });

      expect(accepted(minimal).checkpoint).to.include({
        eventTime: RECEIVED,
        sessionId: null,
        durationSeconds: null,
      });
    });

    it('accepts every playback event', () => {
      for (const event of PLAYBACK_EVENTS) {
        expect(accepted(body({ event })).checkpoint.event).to.equal(event);
      }
    });

    it('accepts position 0, and a position within the slack past the end', () => {
      expect(accepted(body({ position_seconds: 0 })).checkpoint.positionSeconds).to.equal(0);
      expect(accepted(body({ position_seconds: 7205 })).checkpoint.positionSeconds).to.equal(7205);
    });

    it('uses the batch sent_at for an item without its own, and the item’s own first', () => {
      const batchSentAt = Date.parse('2026-01-31T21:00:00Z');
      const item = body({ sent_at: undefined });

      expect(accepted(item, { batchSentAt }).checkpoint.eventTime).to.equal(RECEIVED - 30_000);
      expect(
        accepted(body({ sent_at: '2026-01-31T21:01:00Z' }), { batchSentAt }).checkpoint.eventTime,
      ).to.equal(RECEIVED - 90_000);
    });
  });

  describe('validateCheckpoint on a body that is not an object', () => {
    for (const input of [null, undefined, 'pause', 42, [body()]]) {
      it(`refuses ${JSON.stringify(input) ?? 'undefined'} with INVALID_BODY`, () => {
        expect(errorOf(input)).to.include({ code: 'INVALID_BODY', field: 'body' });
      });
    }
  });

  describe('ids', () => {
    for (const field of ID_FIELDS) {
      it(`refuses a missing, null or empty ${field} with MISSING_FIELD`, () => {
        for (const value of [undefined, null, '']) {
          expect(errorOf(body({ [field]: value }))).to.include({ code: 'MISSING_FIELD', field });
        }
      });

      it(`refuses a ${field} that is not a string with INVALID_TYPE`, () => {
        for (const value of [42, true, { id: 'x' }, ['x']]) {
          expect(errorOf(body({ [field]: value }))).to.include({ code: 'INVALID_TYPE', field });
        }
      });

      it(`refuses a ${field} holding a lone UTF-16 surrogate`, () => {
        expect(errorOf(body({ [field]: 'a\uD800b' }))).to.include({ code: 'INVALID_ID', field });
      });

      it(`refuses a ${field} holding the key separator '#'`, () => {
        expect(errorOf(body({ [field]: 'a#b' }))).to.include({ code: 'INVALID_ID', field });
      });
    }

    it('refuses ids with control characters (C0, DEL, C1)', () => {
      for (const bad of ['a\u0000b', 'a\nb', 'tab\t', 'a\u001fb', 'a\u007fb', 'a\u0085b']) {
        expect(errorOf(body({ video_id: bad }))).to.include({
          code: 'INVALID_ID',
          field: 'video_id',
        });
      }
    });

    it('accepts an id of 128 characters and refuses one of 129', () => {
      const longest = 'x'.repeat(MAX_ID_LENGTH);

      expect(accepted(body({ video_id: longest })).checkpoint.videoId).to.equal(longest);
      expect(errorOf(body({ video_id: `${longest}x` }))).to.include({
        code: 'INVALID_ID',
        field: 'video_id',
      });
    });

    it('accepts ids beyond ASCII', () => {
      expect(accepted(body({ profile_id: 'Zoë-子供' })).checkpoint.profileId).to.equal('Zoë-子供');
    });

    it('checks an optional session_id by the same rules when it is sent', () => {
      expect(accepted(body({ session_id: null })).checkpoint.sessionId).to.equal(null);
      expect(errorOf(body({ session_id: 's#1' }))).to.include({
        code: 'INVALID_ID',
        field: 'session_id',
      });
      expect(errorOf(body({ session_id: 7 }))).to.include({
        code: 'INVALID_TYPE',
        field: 'session_id',
      });
    });

    it('validateId names the field it was given', () => {
      expect(validateId('ok', 'device_id')).to.deep.equal({ ok: true, value: 'ok' });
      expect(validateId('a#b', 'x.device_id')).to.deep.include({
        ok: false,
        error: {
          code: 'INVALID_ID',
          field: 'x.device_id',
          message: "x.device_id must not contain '#' or control characters",
        },
      });
    });
  });

  describe('event', () => {
    it('refuses a missing event with MISSING_FIELD', () => {
      expect(errorOf(body({ event: undefined }))).to.include({
        code: 'MISSING_FIELD',
        field: 'event',
      });
    });

    it('refuses an unknown event, naming the ones it knows', () => {
      for (const event of ['play', 'PAUSE', '', 3]) {
        const error = errorOf(body({ event }));

        expect(error).to.include({ code: 'INVALID_EVENT', field: 'event' });
        expect(error.message).to.contain('heartbeat');
      }
    });
  });

  describe('position and duration', () => {
    it('refuses a missing position with MISSING_FIELD', () => {
      expect(errorOf(body({ position_seconds: undefined }))).to.include({
        code: 'MISSING_FIELD',
        field: 'position_seconds',
      });
    });

    it('refuses a position that is not a finite number with INVALID_TYPE', () => {
      for (const value of ['671', NaN, Infinity, -Infinity, true]) {
        expect(errorOf(body({ position_seconds: value }))).to.include({
          code: 'INVALID_TYPE',
          field: 'position_seconds',
        });
      }
    });

    it('refuses a negative position, or one longer than a week, with OUT_OF_RANGE', () => {
      for (const value of [-1, -0.001, MAX_SECONDS + 1]) {
        expect(errorOf(body({ position_seconds: value, duration_seconds: undefined }))).to.include({
          code: 'OUT_OF_RANGE',
          field: 'position_seconds',
        });
      }
    });

    it('refuses a position past the end, beyond the slack, with POSITION_PAST_END', () => {
      const error = errorOf(body({ position_seconds: 7205.5 }));

      expect(error).to.include({ code: 'POSITION_PAST_END', field: 'position_seconds' });
      expect(error.message).to.contain('7205.5').and.contain('7200');
    });

    it('takes the slack past the end from the rules, so a setting can change it', () => {
      const strict = { ...DEFAULT_RULES, endSlackSeconds: 0 };
      const result = validateCheckpoint(body({ position_seconds: 7200.5 }), RECEIVED, {
        rules: strict,
      });

      expect(result.ok).to.equal(false);
      expect(accepted(body({ position_seconds: 7200 }), { rules: strict }).checkpoint).to.include({
        positionSeconds: 7200,
      });
    });

    it('refuses a duration that is zero, negative, too long or not a number', () => {
      for (const [value, code] of [
        [0, 'OUT_OF_RANGE'],
        [-5, 'OUT_OF_RANGE'],
        [MAX_SECONDS + 1, 'OUT_OF_RANGE'],
        ['7200', 'INVALID_TYPE'],
        [NaN, 'INVALID_TYPE'],
      ] as const) {
        expect(errorOf(body({ duration_seconds: value }))).to.include({
          code,
          field: 'duration_seconds',
        });
      }
    });
  });

  describe('times', () => {
    const badTimes = [
      '2026-01-31 20:59:30Z',
      '2026-01-31T20:59:30',
      '31/01/2026 20:59',
      '2026-13-01T00:00:00Z',
      '2026-02-31T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-01-31T20:61:00Z',
      '',
      1769893170000,
    ];

    for (const field of ['client_ts', 'sent_at']) {
      it(`refuses a ${field} that is not an ISO-8601 time with a zone, or not a real date`, () => {
        for (const value of badTimes) {
          expect(errorOf(body({ [field]: value })), String(value)).to.include({
            code: 'INVALID_TIME',
            field,
          });
        }
      });
    }

    it('accepts zone offsets and leap days', () => {
      const offset = accepted(body({ client_ts: '2026-01-31T22:59:30+02:00' }));
      const leap = accepted(
        body({ client_ts: '2024-02-29T12:00:00Z', sent_at: '2024-02-29T12:00:30Z' }),
      );

      expect(offset.clientTs).to.equal(Date.parse('2026-01-31T20:59:30Z'));
      expect(leap.checkpoint.eventTime).to.equal(RECEIVED - 30_000);
    });

    it('refuses a checkpoint that happened more than 30 days before it was sent', () => {
      const sentAt = Date.parse('2026-01-31T21:00:00Z');
      const old = new Date(sentAt - 30 * DAY - 1000).toISOString();
      const error = errorOf(body({ client_ts: old }));

      expect(error).to.include({ code: 'EVENT_TOO_OLD', field: 'client_ts' });
      expect(error.message).to.contain('30 days');
    });

    it('accepts a checkpoint exactly 30 days old', () => {
      const sentAt = Date.parse('2026-01-31T21:00:00Z');
      const old = new Date(sentAt - 30 * DAY).toISOString();

      expect(accepted(body({ client_ts: old })).checkpoint.eventTime).to.equal(RECEIVED - 30 * DAY);
    });
  });

  describe('an item of a batch', () => {
    const prefix = 'checkpoints[3].';
    const refusals: [Record<string, unknown>, string][] = [
      [{ account_id: undefined }, 'account_id'],
      [{ device_id: 'a#b' }, 'device_id'],
      [{ session_id: '\u0007' }, 'session_id'],
      [{ event: 'rewind' }, 'event'],
      [{ event: undefined }, 'event'],
      [{ position_seconds: -1 }, 'position_seconds'],
      [{ position_seconds: 9000 }, 'position_seconds'],
      [{ duration_seconds: 'long' }, 'duration_seconds'],
      [{ client_ts: 'yesterday' }, 'client_ts'],
      [{ sent_at: 'now' }, 'sent_at'],
      [{ client_ts: '2025-01-01T00:00:00Z' }, 'client_ts'],
    ];

    for (const [overrides, field] of refusals) {
      it(`names ${prefix}${field} for ${JSON.stringify(overrides)}`, () => {
        expect(errorOf(body(overrides), prefix).field).to.equal(`${prefix}${field}`);
      });
    }

    it('names the prefixed field in the message too', () => {
      expect(errorOf(body({ device_id: 'a#b' }), prefix).message).to.contain(
        'checkpoints[3].device_id',
      );
      expect(errorOf(body({ position_seconds: 9000 }), prefix).message).to.contain(
        'checkpoints[3].position_seconds',
      );
    });

    it('names the item itself when it is not an object', () => {
      expect(errorOf('pause', prefix)).to.include({
        code: 'INVALID_BODY',
        field: 'checkpoints[3]',
      });
    });
  });
});
