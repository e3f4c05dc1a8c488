import { DEFAULT_RULES, type ResumeRules } from './rules.js';

export interface ClientTimes {
  /** When the checkpoint happened, on the device's clock, epoch ms. */
  readonly clientTs: number | null;
  /** When the request left the device, on the same clock, epoch ms. */
  readonly sentAt: number | null;
}

export type EventTimeResult =
  | { readonly ok: true; readonly eventTime: number }
  | { readonly ok: false; readonly reason: 'too-old'; readonly eventTime: number };

/**
 * The event time of a checkpoint on the server's clock. With both device times the
 * device's clock error cancels: received - (sentAt - clientTs). Without them it is the
 * receive time. Never later than the receive time; too old is refused.
 */
export function eventTimeOf(
  receivedAt: number,
  times: ClientTimes,
  rules: ResumeRules = DEFAULT_RULES,
): EventTimeResult {
  const corrected =
    times.clientTs !== null && times.sentAt !== null
      ? receivedAt - (times.sentAt - times.clientTs)
      : receivedAt;
  const eventTime = Math.min(corrected, receivedAt);

  if (receivedAt - eventTime > rules.maxEventAgeMs) {
    return { ok: false, reason: 'too-old', eventTime };
  }
  return { ok: true, eventTime };
}
