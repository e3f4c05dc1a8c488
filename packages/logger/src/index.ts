import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * The one structured logger of a service: JSON lines on stdout, a child per component
 * with its context bound once. Fields that could carry secrets or payloads are redacted.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'password',
        'token',
        'authorization',
        '*.password',
        '*.token',
        '*.authorization',
        'req.headers.authorization',
        'headers.authorization',
        'connectionString',
        '*.connectionString',
      ],
      censor: '[redacted]',
    },
    ...options,
  });
}

/** A URL with its password replaced, safe to log. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
