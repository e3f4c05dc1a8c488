import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Gives up (rethrows) when this turns true, e.g. the partition was taken away. */
  shouldStop: () => boolean;
  onRetry: (error: unknown, delayMs: number) => void;
  /** Keeps group membership alive while waiting. */
  heartbeat?: () => Promise<void>;
  /** Cuts the wait short (a stopping service): the step runs once more, then shouldStop. */
  signal?: AbortSignal;
  initialMs?: number;
  maxMs?: number;
}

/**
 * Retries a failing step with exponential backoff and full jitter until it succeeds or
 * `shouldStop` says the work is no longer ours. Used for failures a retry can fix: a
 * database or registry that is down comes back, and the consumer catches up by itself.
 */
export async function retryWithBackoff<T>(
  step: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 10_000;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (options.shouldStop()) throw error;
      const delay = Math.random() * Math.min(max, initial * 2 ** attempt);
      options.onRetry(error, delay);
      await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
      await options.heartbeat?.().catch(() => undefined);
    }
  }
}
