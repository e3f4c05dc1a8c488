import { PLAYBACK_EVENTS, validateId, type Checkpoint } from '@playhead/domain';

/** Last instant PostgreSQL and ISO-8601 both hold with a four-digit year: 9999-12-31. */
const LAST_EVENT_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const EVENTS: ReadonlySet<unknown> = new Set(PLAYBACK_EVENTS);

export type ContractResult =
  | { readonly ok: true; readonly checkpoint: Checkpoint; readonly eventId: string }
  | { readonly ok: false; readonly error: string };

const breach = (error: string): ContractResult => ({ ok: false, error: `contract: ${error}` });
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks a decoded value against what every consumer relies on, whatever schema it was
 * written with: the ingest API's guarantees (ids, an event time no later than the receive
 * time) and what the stores can hold (the table's checks, a date PostgreSQL parses). A
 * value that fails would fail the same way on every retry, so it is a dead letter.
 */
export function checkEvent(value: unknown): ContractResult {
  if (typeof value !== 'object' || value === null) return breach('not a checkpoint record');
  const e = value as Record<string, unknown>;

  for (const field of ['account_id', 'profile_id', 'video_id', 'device_id']) {
    const checked = validateId(e[field], field);
    if (!checked.ok) return breach(checked.error.message);
  }
  if (typeof e.event_id !== 'string') return breach('event_id must be a string');
  if (!EVENTS.has(e.event)) return breach(`event must be one of ${PLAYBACK_EVENTS.join(', ')}`);
  if (!finite(e.position_seconds) || e.position_seconds < 0) {
    return breach('position_seconds must be a finite number >= 0');
  }
  if (e.duration_seconds !== null && (!finite(e.duration_seconds) || e.duration_seconds <= 0)) {
    return breach('duration_seconds must be null or a finite number > 0');
  }
  if (e.session_id !== null && typeof e.session_id !== 'string') {
    return breach('session_id must be null or a string');
  }
  const eventTime = Number(e.event_time);
  const receivedAt = Number(e.received_at);
  if (!Number.isInteger(eventTime) || eventTime <= 0 || eventTime > LAST_EVENT_TIME) {
    return breach('event_time must be an epoch ms between 1970 and 9999');
  }
  if (!Number.isFinite(receivedAt) || eventTime > receivedAt) {
    return breach('event_time must not be later than received_at');
  }

  return {
    ok: true,
    eventId: e.event_id,
    checkpoint: {
      accountId: e.account_id as string,
      profileId: e.profile_id as string,
      videoId: e.video_id as string,
      deviceId: e.device_id as string,
      positionSeconds: e.position_seconds,
      event: e.event as Checkpoint['event'],
      durationSeconds: e.duration_seconds as number | null,
      sessionId: e.session_id as string | null,
      eventTime,
    },
  };
}
