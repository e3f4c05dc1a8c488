import express, { type Express, type Request } from 'express';
import { validateId, type ResumeKey, type ResumeRules } from '@playhead/domain';
import {
  ApiError,
  errorHandler,
  notFound,
  OPENAPI_DOCUMENT,
  opsRouter,
  requestMetrics,
  authenticate,
  requireAccess,
  type TokenVerifier,
  type prom,
  type ReadinessCheck,
} from '@playhead/http';
import type { Logger } from '@playhead/logger';
import type { Hider } from './hide.js';
import { resumeBody } from './resume-body.js';
import { StoresUnavailableError, type ResumeReader } from './resume-reader.js';

export interface ResumeDeps {
  reader: ResumeReader;
  hider: Hider;
  rules: ResumeRules;
  registry: prom.Registry;
  readiness: Record<string, ReadinessCheck>;
  logger: Logger;
  /** null when auth is switched off. */
  verifier: TokenVerifier | null;
  now?: () => number;
}

function idParam(req: Request, name: string, from: 'query' | 'params' = 'query'): string {
  const raw = from === 'query' ? req.query[name] : req.params[name];
  const checked = validateId(raw, name);
  if (!checked.ok)
    throw new ApiError(400, checked.error.code, checked.error.message, checked.error.field);
  return checked.value;
}

function limitParam(req: Request): number {
  const raw = req.query.limit;
  if (raw === undefined) return 20;
  const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new ApiError(400, 'OUT_OF_RANGE', 'limit must be an integer from 1 to 100', 'limit');
  }
  return n;
}

const unavailable = () =>
  new ApiError(503, 'STORE_UNAVAILABLE', 'progress cannot be read right now; retry shortly', null, {
    'Retry-After': '1',
  });

export function createResumeApp(deps: ResumeDeps): Express {
  const { reader, hider, rules } = deps;
  const now = deps.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestMetrics(deps.registry));
  app.use(opsRouter(deps.registry, deps.readiness));
  app.get('/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });

  // Everything under /playback needs a token; health, metrics and the contract do not.
  app.use('/playback', authenticate(deps.verifier));

  app.get('/playback/resume', async (req, res) => {
    const key: ResumeKey = {
      accountId: idParam(req, 'account_id'),
      profileId: idParam(req, 'profile_id'),
      videoId: idParam(req, 'video_id'),
    };
    requireAccess(res, key.accountId, key.profileId);
    const entry = await reader.read(key).catch((error: unknown) => {
      throw error instanceof StoresUnavailableError ? unavailable() : error;
    });
    if (!entry)
      throw new ApiError(404, 'NOT_FOUND', 'no progress is known for this video and profile');
    res.set('Cache-Control', 'no-store').json(resumeBody(key, entry.state, rules));
  });

  app.get('/playback/continue-watching', async (req, res) => {
    const profile = {
      accountId: idParam(req, 'account_id'),
      profileId: idParam(req, 'profile_id'),
    };
    requireAccess(res, profile.accountId, profile.profileId);
    const limit = limitParam(req);
    const rows = await reader.continueWatching(profile, limit).catch((error: unknown) => {
      throw error instanceof StoresUnavailableError ? unavailable() : error;
    });
    res.set('Cache-Control', 'no-store').json({
      account_id: profile.accountId,
      profile_id: profile.profileId,
      items: rows.map((r) => resumeBody(r.key, r.entry.state, rules)),
    });
  });

  app.delete('/playback/continue-watching/:video_id', async (req, res) => {
    const key: ResumeKey = {
      accountId: idParam(req, 'account_id'),
      profileId: idParam(req, 'profile_id'),
      videoId: idParam(req, 'video_id', 'params'),
    };
    requireAccess(res, key.accountId, key.profileId);
    const found = await hider.hide(key, now()).catch((error: unknown) => {
      throw error instanceof StoresUnavailableError ? unavailable() : error;
    });
    if (!found)
      throw new ApiError(404, 'NOT_FOUND', 'no progress is known for this video and profile');
    res.status(204).end();
  });

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
