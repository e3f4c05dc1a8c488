import { ConfigError } from '@playhead/config';
import { safeUrl } from '@playhead/logger';
import { OpsError, UsageError } from './errors.js';
import type { OpsSettings } from './settings.js';

interface SystemError {
  name?: string;
  code?: string;
  port?: number;
  severity?: string;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
}

/** The port a connection error was about, looking through wrappers. */
function portOf(error: unknown): number | null {
  const e = error as SystemError | null;
  if (!e || typeof e !== 'object') return null;
  if (typeof e.port === 'number') return e.port;
  for (const inner of [...(e.errors ?? []), e.cause]) {
    const port = portOf(inner);
    if (port !== null) return port;
  }
  return null;
}

function urlPort(url: string, fallback: number): number {
  try {
    return Number(new URL(url).port || fallback);
  } catch {
    return fallback;
  }
}

/**
 * A message an operator can act on, and the exit code: 2 for a command line or setting to
 * fix, 1 for work that failed. Connection failures name the variable that points there.
 */
export function explain(
  error: unknown,
  settings: OpsSettings | null,
): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: error.message, exitCode: 2 };
  if (error instanceof ConfigError) {
    return {
      message: `${error.message}\nfix these environment variables and run again`,
      exitCode: 2,
    };
  }
  if (error instanceof OpsError) {
    return { message: error.message, exitCode: 1 };
  }
  const e = (error ?? {}) as SystemError;
  const text = e.message || String(error);
  if (!settings) return { message: text, exitCode: 1 };

  const port = portOf(error);
  if (e.name?.startsWith('KafkaJS')) {
    return {
      message: `Kafka (${settings.KAFKA_BROKERS.join(',')}): ${text}; check KAFKA_BROKERS and that the brokers run`,
      exitCode: 1,
    };
  }
  if (
    e.name?.startsWith('ConfluentSchemaRegistry') ||
    port === urlPort(settings.SCHEMA_REGISTRY_URL, 80)
  ) {
    return {
      message: `schema registry (${settings.SCHEMA_REGISTRY_URL}): ${text}; check SCHEMA_REGISTRY_URL`,
      exitCode: 1,
    };
  }
  if (e.severity !== undefined || port === urlPort(settings.DATABASE_URL, 5432)) {
    return {
      message: `PostgreSQL (${safeUrl(settings.DATABASE_URL)}): ${text}; check DATABASE_URL`,
      exitCode: 1,
    };
  }
  if (
    e.name === 'MaxRetriesPerRequestError' ||
    e.name === 'ReplyError' ||
    port === urlPort(settings.REDIS_URL, 6379)
  ) {
    return {
      message: `Redis (${safeUrl(settings.REDIS_URL)}): ${text}; check REDIS_URL`,
      exitCode: 1,
    };
  }
  return { message: text, exitCode: 1 };
}
