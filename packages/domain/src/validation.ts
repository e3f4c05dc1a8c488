import { eventTimeOf } from './event-time.js';
import { DEFAULT_RULES, type ResumeRules } from './rules.js';
import { PLAYBACK_EVENTS, type Checkpoint, type PlaybackEvent } from './types.js';

/** A refusal a client can act on: a stable code, the field at fault and what to fix. */
export interface InputError {
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

export type Validated<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: InputError };

export const MAX_ID_LENGTH = 128;
/** A week: longer than any video, short enough to catch a unit mistake (ms for s). */
export const MAX_SECONDS = 7 * 24 * 3600;

// Control characters (C0, DEL, C1) and the key separator are refused in ids.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_ID = /[#\u0000-\u001f\u007f-\u009f]/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const EVENTS: ReadonlySet<string> = new Set(PLAYBACK_EVENTS);

function fail<T>(code: string, field: string, message: string): Validated<T> {
  return { ok: false, error: { code, field, message } };
}

/** Checks one id: a string of 1 to 128 characters, no `#`, no control characters. */
export function validateId(value: unknown, field: string): Validated<string> {
  if (value === undefined || value === null || value === '') {
    return fail('MISSING_FIELD', field, `${field} is required`);
  }
  if (typeof value !== 'string') {
    return fail('INVALID_TYPE', field, `${field} must be a string`);
  }
  if (value.length > MAX_ID_LENGTH) {
    return fail('INVALID_ID', field, `${field} must be at most ${MAX_ID_LENGTH} characters`);
  }
  if (!value.isWellFormed()) {
    return fail('INVALID_ID', field, `${field} must be valid Unicode text`);
  }
  if (FORBIDDEN_IN_ID.test(value)) {
    return fail('INVALID_ID', field, `${field} must not contain '#' or control characters`);
  }
  return { ok: true, value };
}

function validateSeconds(
  value: unknown,
  field: string,
  required: boolean,
  min: number,
): Validated<number | null> {
  if (value === undefined || value === null) {
    return required
      ? fail('MISSING_FIELD', field, `${field} is required`)
      : { ok: true, value: null };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail('INVALID_TYPE', field, `${field} must be a number of seconds`);
  }
  if (value < min || value > MAX_SECONDS) {
    return fail(
      'OUT_OF_RANGE',
      field,
      `${field} must be between ${min} and ${MAX_SECONDS} seconds`,
    );
  }
  return { ok: true, value };
}

/** An optional ISO-8601 time with a zone, as epoch milliseconds. */
export function validateTime(value: unknown, field: string): Validated<number | null> {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'string' || !ISO_8601.test(value)) {
    return fail(
      'INVALID_TIME',
      field,
      `${field} must be an ISO-8601 time with a zone, e.g. 2026-01-31T20:15:00Z`,
    );
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !isCalendarDate(value)) {
    return fail('INVALID_TIME', field, `${field} is not a real date`);
  }
  return { ok: true, value: ms };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Date.parse rolls `2026-02-31` over to 3 March; a day past its month's end is refused. */
function isCalendarDate(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const last = (DAYS_IN_MONTH[month - 1] ?? 0) + (month === 2 && leap ? 1 : 0);
  return day >= 1 && day <= last;
}

export interface CheckpointInput {
  readonly checkpoint: Checkpoint;
  readonly clientTs: number | null;
  readonly receivedAt: number;
}

/**
 * Turns one posted checkpoint into a checkpoint with its event time, or the first error
 * found. `prefix` names the item in a batch (`checkpoints[3].`), and `batchSentAt` is the
 * batch's own `sent_at`, used when the item has none.
 */
export function validateCheckpoint(
  body: unknown,
  receivedAt: number,
  options: { prefix?: string; batchSentAt?: number | null; rules?: ResumeRules } = {},
): Validated<CheckpointInput> {
  const prefix = options.prefix ?? '';
  const rules = options.rules ?? DEFAULT_RULES;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(
      'INVALID_BODY',
      prefix.replace(/\.$/, '') || 'body',
      'a checkpoint must be a JSON object',
    );
  }
  const raw = body as Record<string, unknown>;
  const ids: Record<string, string> = {};
  for (const name of ['account_id', 'profile_id', 'video_id', 'device_id']) {
    const checked = validateId(raw[name], prefix + name);
    if (!checked.ok) return checked;
    ids[name] = checked.value;
  }

  let sessionId: string | null = null;
  // An empty session id means "none", as an absent one does.
  if (raw.session_id !== undefined && raw.session_id !== null && raw.session_id !== '') {
    const checked = validateId(raw.session_id, `${prefix}session_id`);
    if (!checked.ok) return checked;
    sessionId = checked.value;
  }

  if (raw.event === undefined || raw.event === null) {
    return fail('MISSING_FIELD', `${prefix}event`, `${prefix}event is required`);
  }
  if (typeof raw.event !== 'string' || !EVENTS.has(raw.event)) {
    return fail(
      'INVALID_EVENT',
      `${prefix}event`,
      `${prefix}event must be one of ${PLAYBACK_EVENTS.join(', ')}`,
    );
  }

  const position = validateSeconds(raw.position_seconds, `${prefix}position_seconds`, true, 0);
  if (!position.ok) return position;
  const duration = validateSeconds(raw.duration_seconds, `${prefix}duration_seconds`, false, 1);
  if (!duration.ok) return duration;
  const positionSeconds = position.value as number;
  if (duration.value !== null && positionSeconds > duration.value + rules.endSlackSeconds) {
    return fail(
      'POSITION_PAST_END',
      `${prefix}position_seconds`,
      `${prefix}position_seconds (${positionSeconds}) is beyond duration_seconds (${duration.value})`,
    );
  }

  const clientTs = validateTime(raw.client_ts, `${prefix}client_ts`);
  if (!clientTs.ok) return clientTs;
  const sentAtOwn = validateTime(raw.sent_at, `${prefix}sent_at`);
  if (!sentAtOwn.ok) return sentAtOwn;
  const sentAt = sentAtOwn.value ?? options.batchSentAt ?? null;

  const time = eventTimeOf(receivedAt, { clientTs: clientTs.value, sentAt }, rules);
  if (!time.ok) {
    const days = Math.round(rules.maxEventAgeMs / 86_400_000);
    return fail(
      'EVENT_TOO_OLD',
      `${prefix}client_ts`,
      `the checkpoint happened more than ${days} days ago`,
    );
  }

  const checkpoint: Checkpoint = {
    accountId: ids.account_id as string,
    profileId: ids.profile_id as string,
    videoId: ids.video_id as string,
    deviceId: ids.device_id as string,
    positionSeconds,
    event: raw.event as PlaybackEvent,
    durationSeconds: duration.value,
    sessionId,
    eventTime: time.eventTime,
  };
  return { ok: true, value: { checkpoint, clientTs: clientTs.value, receivedAt } };
}
