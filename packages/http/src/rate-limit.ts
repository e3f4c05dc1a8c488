import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import { ApiError } from './api-error.js';

export interface RateLimitOptions {
  /** Counts live in Redis, so every instance of a service shares them. */
  redis: Redis;
  prefix: string;
  windowMs: number;
  limit: number;
  /** What is limited, for the error message: "device", "account". */
  subject: string;
  /** The caller's identity for this limit, or null to skip it. */
  keyOf: (req: Request) => string | null;
}

/**
 * A fixed-window limit per caller with 429 and Retry-After. Keys are hashed, so no input
 * reaches a Redis key name. When Redis fails the request passes: the limit protects the
 * system, and refusing players because the cache is down would be worse.
 */
export function limitRate(options: RateLimitOptions): RequestHandler {
  const store = new RedisStore({
    prefix: `${options.prefix}:rl:${options.subject}:`,
    sendCommand: (command: string, ...args: string[]) =>
      options.redis.call(command, ...args) as Promise<RedisReply>,
  });
  const config: Partial<Options> = {
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    passOnStoreError: true,
    validate: false,
    store,
    skip: (req) => options.keyOf(req) === null,
    keyGenerator: (req) =>
      createHash('sha256')
        .update(options.keyOf(req) ?? '')
        .digest('base64url'),
    handler: (req, res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const untilReset = reset ? reset.getTime() - Date.now() : options.windowMs;
      const retryAfter = Math.max(1, Math.ceil(untilReset / 1000));
      res.setHeader('Retry-After', String(retryAfter));
      next(
        new ApiError(
          429,
          'RATE_LIMITED',
          `too many requests for this ${options.subject}; retry after ${retryAfter} s`,
          null,
          {
            'Retry-After': String(retryAfter),
          },
        ),
      );
    },
  };
  return rateLimit(config);
}
