import type { RequestHandler, Response } from 'express';
import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ConfigError, z } from '@playhead/config';
import { ApiError } from './api-error.js';

/** Settings of the bearer-token check, shared by both APIs. */
export const authSettings = {
  /** Switches authentication off; only for local experiments, never in production. */
  AUTH_DISABLED: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Shared secret for HS256 tokens, at least 32 characters. */
  AUTH_HS256_SECRET: z.string().optional(),
  /** The identity provider's key set, for RS256 and ES256 tokens. */
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /** Claim listing the profiles a token may use; absent claim = every profile of `sub`. */
  AUTH_PROFILES_CLAIM: z.string().min(1).default('profiles'),
};

type AuthEnv = {
  AUTH_DISABLED: boolean;
  AUTH_HS256_SECRET?: string | undefined;
  AUTH_JWKS_URL?: string | undefined;
  AUTH_ISSUER?: string | undefined;
  AUTH_AUDIENCE?: string | undefined;
  AUTH_PROFILES_CLAIM: string;
};

/** Who a request acts for: an account, and the profiles it may use (null: all). */
export interface Principal {
  readonly accountId: string;
  readonly profiles: ReadonlySet<string> | null;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/**
 * Builds the token check from settings, or refuses to: a service never starts without an
 * auth configuration unless AUTH_DISABLED=true says so. Returns null when disabled.
 */
export function createVerifier(env: AuthEnv): TokenVerifier | null {
  if (env.AUTH_DISABLED) return null;
  const problems: string[] = [];
  if (!env.AUTH_HS256_SECRET && !env.AUTH_JWKS_URL) {
    problems.push(
      'AUTH_HS256_SECRET or AUTH_JWKS_URL: one is required (or set AUTH_DISABLED=true for local use)',
    );
  }
  if (env.AUTH_HS256_SECRET && env.AUTH_JWKS_URL) {
    problems.push('AUTH_HS256_SECRET and AUTH_JWKS_URL: set only one');
  }
  if (env.AUTH_HS256_SECRET && env.AUTH_HS256_SECRET.length < 32) {
    problems.push('AUTH_HS256_SECRET: must be at least 32 characters');
  }
  if (!env.AUTH_ISSUER) problems.push('AUTH_ISSUER: required, the iss every token must carry');
  if (!env.AUTH_AUDIENCE) problems.push('AUTH_AUDIENCE: required, the aud every token must carry');
  if (problems.length > 0) throw new ConfigError(problems);

  const key: Uint8Array | JWTVerifyGetKey = env.AUTH_HS256_SECRET
    ? new TextEncoder().encode(env.AUTH_HS256_SECRET)
    : createRemoteJWKSet(new URL(env.AUTH_JWKS_URL!), {
        timeoutDuration: 2000,
        cooldownDuration: 30_000,
      });
  const algorithms = env.AUTH_HS256_SECRET ? ['HS256'] : ['RS256', 'ES256'];
  const options = {
    issuer: env.AUTH_ISSUER!,
    audience: env.AUTH_AUDIENCE!,
    algorithms,
    clockTolerance: 30,
  };
  const claim = env.AUTH_PROFILES_CLAIM;

  return async (token) => {
    const { payload } = await (typeof key === 'function'
      ? jwtVerify(token, key, options)
      : jwtVerify(token, key, options));
    return principalOf(payload, claim);
  };
}

function principalOf(payload: JWTPayload, claim: string): Principal {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new ApiError(401, 'INVALID_TOKEN', 'the token has no subject (sub)');
  }
  if (!('exp' in payload)) throw new ApiError(401, 'INVALID_TOKEN', 'the token must expire (exp)');
  const profiles = payload[claim];
  if (profiles === undefined) return { accountId: payload.sub, profiles: null };
  if (!Array.isArray(profiles) || !profiles.every((p) => typeof p === 'string')) {
    throw new ApiError(401, 'INVALID_TOKEN', `the ${claim} claim must be a list of profile ids`);
  }
  return { accountId: payload.sub, profiles: new Set(profiles) };
}

const unauthenticated = (message: string, code = 'UNAUTHENTICATED') =>
  new ApiError(401, code, message, null, { 'WWW-Authenticate': 'Bearer' });

/**
 * Requires `Authorization: Bearer <JWT>` and binds the caller to `res.locals.principal`.
 * With auth disabled every request passes and carries no principal.
 */
export function authenticate(verify: TokenVerifier | null): RequestHandler {
  return async (req, res, next) => {
    if (verify === null) return next();
    const header = req.headers.authorization;
    const match =
      typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header) : null;
    if (!match) return next(unauthenticated('send Authorization: Bearer <token>'));
    try {
      res.locals.principal = await verify(match[1]!);
      next();
    } catch (error) {
      if (error instanceof ApiError) return next(error);
      if (error instanceof joseErrors.JWTExpired)
        return next(unauthenticated('the token has expired', 'TOKEN_EXPIRED'));
      if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
        return next(
          new ApiError(
            503,
            'AUTH_UNAVAILABLE',
            'the token keys cannot be fetched; retry later',
            null,
            { 'Retry-After': '5' },
          ),
        );
      }
      next(unauthenticated('the token is not valid for this service', 'INVALID_TOKEN'));
    }
  };
}

/**
 * Whether the caller may act for an account and profile. Refused the same way whether
 * or not the other key exists, so nothing about it is revealed.
 */
export function checkAccess(res: Response, accountId: string, profileId: string): ApiError | null {
  const principal = res.locals.principal as Principal | undefined;
  if (principal === undefined) return null;
  if (principal.accountId !== accountId) {
    return new ApiError(
      403,
      'FORBIDDEN',
      'the token does not grant access to this account',
      'account_id',
    );
  }
  if (principal.profiles !== null && !principal.profiles.has(profileId)) {
    return new ApiError(
      403,
      'FORBIDDEN',
      'the token does not grant access to this profile',
      'profile_id',
    );
  }
  return null;
}

export function requireAccess(res: Response, accountId: string, profileId: string): void {
  const denied = checkAccess(res, accountId, profileId);
  if (denied) throw denied;
}
