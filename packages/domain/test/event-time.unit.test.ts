import { expect } from 'chai';

import { DEFAULT_RULES, eventTimeOf } from '../src/index.js';

const RECEIVED = Date.UTC(2026, 0, 31, 20, 0, 0);
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

describe('eventTimeOf', () => {
  it('is the receive time when the client sends no times', () => {
    expect(eventTimeOf(RECEIVED, { clientTs: null, sentAt: null })).to.deep.equal({
      ok: true,
      eventTime: RECEIVED,
    });
  });

  it('is the receive time when only one of the two device times is sent', () => {
    const clientTs = RECEIVED - 5 * HOUR;

    expect(eventTimeOf(RECEIVED, { clientTs, sentAt: null })).to.include({ eventTime: RECEIVED });
    expect(eventTimeOf(RECEIVED, { clientTs: null, sentAt: clientTs })).to.include({
      eventTime: RECEIVED,
    });
  });

  it('cancels a device clock running an hour fast', () => {
    const happened = RECEIVED - 40 * SECOND;
    const skew = HOUR;

    const result = eventTimeOf(RECEIVED, {
      clientTs: happened + skew,
      sentAt: RECEIVED - 200 + skew,
    });

    expect(result).to.deep.equal({ ok: true, eventTime: RECEIVED - 40 * SECOND + 200 });
  });

  it('cancels a device clock running a day slow', () => {
    const skew = -DAY;

    const result = eventTimeOf(RECEIVED, {
      clientTs: RECEIVED - 90 * SECOND + skew,
      sentAt: RECEIVED + skew,
    });

    expect(result).to.deep.equal({ ok: true, eventTime: RECEIVED - 90 * SECOND });
  });

  it('keeps the order and spacing of offline checkpoints uploaded in one batch', () => {
    const skew = 7 * 60 * SECOND;
    const sentAt = RECEIVED - 2 * SECOND + skew;
    const times = [3 * HOUR, 2 * HOUR, 1 * HOUR].map(
      (ago) => eventTimeOf(RECEIVED, { clientTs: sentAt - ago, sentAt }).eventTime,
    );

    expect(times).to.deep.equal([RECEIVED - 3 * HOUR, RECEIVED - 2 * HOUR, RECEIVED - 1 * HOUR]);
  });

  it('is never later than the receive time, even when the device claims a future event', () => {
    const result = eventTimeOf(RECEIVED, { clientTs: RECEIVED + HOUR, sentAt: RECEIVED });

    expect(result).to.deep.equal({ ok: true, eventTime: RECEIVED });
  });

  it('accepts an event exactly 30 days old', () => {
    const result = eventTimeOf(RECEIVED, { clientTs: RECEIVED - 30 * DAY, sentAt: RECEIVED });

    expect(result).to.deep.equal({ ok: true, eventTime: RECEIVED - 30 * DAY });
  });

  it('refuses an event older than 30 days', () => {
    const result = eventTimeOf(RECEIVED, { clientTs: RECEIVED - 30 * DAY - 1, sentAt: RECEIVED });

    expect(result).to.deep.equal({
      ok: false,
      reason: 'too-old',
      eventTime: RECEIVED - 30 * DAY - 1,
    });
  });

  it('follows an age limit changed by a setting', () => {
    const rules = { ...DEFAULT_RULES, maxEventAgeMs: DAY };

    const result = eventTimeOf(RECEIVED, { clientTs: RECEIVED - 2 * DAY, sentAt: RECEIVED }, rules);

    expect(result.ok).to.equal(false);
  });
});
