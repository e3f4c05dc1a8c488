import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@playhead/logger';
import { ApiError } from './api-error.js';

/** Unknown routes answer in the same error shape as everything else. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

/**
 * Turns every error into a JSON error body. Body-parser failures (malformed JSON, a body
 * too large, a wrong content type) become 4xx with their own codes; anything unexpected
 * is logged and answered 500 without internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toApiError(err);
    if (error.status >= 500) {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    res.status(error.status).set(error.headers).json(error.body());
  };
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  switch (e.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'MALFORMED_JSON', 'the request body is not valid JSON', 'body');
    case 'entity.too.large':
      return new ApiError(413, 'BODY_TOO_LARGE', 'the request body is too large', 'body');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'UNSUPPORTED_ENCODING', 'send the body as UTF-8 JSON', 'body');
    default:
      break;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError(e.status, 'BAD_REQUEST', e.expose && e.message ? e.message : 'bad request');
  }
  return new ApiError(500, 'INTERNAL', 'internal error; the request can be retried');
}
