import express, { type Express } from 'express';
import { resolveRules } from '@playhead/config';
import { validateCheckpoint, validateTime } from '@playhead/domain';
import type { CheckpointCodec } from '@playhead/events';
import {
  ApiError,
  errorHandler,
  notFound,
  opsRouter,
  requestMetrics,
  prom,
  OPENAPI_DOCUMENT,
  authenticate,
  checkAccess,
  requireAccess,
  type ReadinessCheck,
  type TokenVerifier,
} from '@playhead/http';
import type { RequestHandler } from 'express';
import type { Logger } from '@playhead/logger';
import { toMessage, validateBatchItems, type Accepted } from './checkpoints.js';
import { PublishTimeoutError, type BatchingPublisher } from './publisher.js';
import type { IngestConfig } from './config.js';

export interface IngestDeps {
  config: IngestConfig;
  codec: CheckpointCodec;
  publisher: BatchingPublisher;
  registry: prom.Registry;
  readiness: Record<string, ReadinessCheck>;
  logger: Logger;
  /** null when auth is switched off. */
  verifier: TokenVerifier | null;
  /** Rate limits, applied after authentication. */
  limits: RequestHandler[];
  now?: () => number;
}

export function createIngestApp(deps: IngestDeps): Express {
  const { config, codec, publisher, registry } = deps;
  const now = deps.now ?? Date.now;
  const rules = resolveRules(config);
  const accepted = new prom.Counter({
    name: 'checkpoints_accepted_total',
    help: 'Checkpoints published to Kafka.',
    registers: [registry],
  });
  const refused = new prom.Counter({
    name: 'checkpoints_refused_total',
    help: 'Checkpoints refused at the door, by error code.',
    labelNames: ['code'],
    registers: [registry],
  });
  const produceLatency = new prom.Histogram({
    name: 'kafka_produce_duration_seconds',
    help: 'Time from handing events to the publisher until Kafka acknowledged them.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  async function publish(items: Accepted[]): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await publisher.publish(items.map((a) => a.message));
    } catch (error) {
      if (error instanceof PublishTimeoutError) {
        throw new ApiError(
          503,
          'KAFKA_UNAVAILABLE',
          'the event log is not taking events; retry later',
          null,
          {
            'Retry-After': '2',
          },
        );
      }
      throw new ApiError(
        503,
        'KAFKA_UNAVAILABLE',
        'the event log refused the events; retry later',
        null,
        {
          'Retry-After': '2',
        },
      );
    }
    produceLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
    accepted.inc(items.length);
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestMetrics(registry));
  app.use(opsRouter(registry, deps.readiness));
  app.get('/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  app.use(express.json({ limit: config.MAX_BODY_BYTES, strict: false, type: () => true }));

  const guard: RequestHandler[] = [authenticate(deps.verifier), ...deps.limits];

  app.post('/playback/update', ...guard, async (req, res) => {
    const checked = validateCheckpoint(req.body, now(), { rules });
    if (!checked.ok) {
      refused.inc({ code: checked.error.code });
      throw new ApiError(400, checked.error.code, checked.error.message, checked.error.field);
    }
    requireAccess(res, checked.value.checkpoint.accountId, checked.value.checkpoint.profileId);
    const item = await toMessage(codec, checked.value);
    await publish([item]);
    res
      .status(202)
      .json({ event_id: item.eventId, event_time: new Date(item.eventTime).toISOString() });
  });

  app.post('/playback/batch', ...guard, async (req, res) => {
    const receivedAt = now();
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError(400, 'INVALID_BODY', 'send {"checkpoints": [...]}', 'body');
    }
    const { checkpoints, sent_at: sentAtRaw } = body as Record<string, unknown>;
    if (!Array.isArray(checkpoints)) {
      throw new ApiError(
        400,
        'MISSING_FIELD',
        'checkpoints must be an array of checkpoints',
        'checkpoints',
      );
    }
    if (checkpoints.length === 0 || checkpoints.length > config.MAX_BATCH_CHECKPOINTS) {
      throw new ApiError(
        checkpoints.length === 0 ? 400 : 413,
        'BATCH_SIZE',
        `checkpoints must hold 1 to ${config.MAX_BATCH_CHECKPOINTS} items`,
        'checkpoints',
      );
    }
    const sentAt = validateTime(sentAtRaw, 'sent_at');
    if (!sentAt.ok)
      throw new ApiError(400, sentAt.error.code, sentAt.error.message, sentAt.error.field);

    const results = validateBatchItems(checkpoints, receivedAt, sentAt.value, rules).map((r) => {
      if (!r.ok) return r;
      const denied = checkAccess(res, r.input.checkpoint.accountId, r.input.checkpoint.profileId);
      if (!denied) return r;
      const error = {
        code: denied.code,
        message: denied.message,
        field: `checkpoints[${r.index}].${denied.field}`,
      };
      return { index: r.index, ok: false as const, error };
    });
    const rejected = results.flatMap((r) => (r.ok ? [] : [{ index: r.index, error: r.error }]));
    rejected.forEach((r) => refused.inc({ code: r.error.code }));
    const valid = results.flatMap((r) => (r.ok ? [{ index: r.index, input: r.input }] : []));
    if (valid.length === 0) {
      const allForbidden = rejected.every((r) => r.error.code === 'FORBIDDEN');
      res.status(allForbidden ? 403 : 400).json({
        error: allForbidden
          ? {
              code: 'FORBIDDEN',
              message: 'the token does not grant access to these checkpoints',
              field: 'checkpoints',
            }
          : {
              code: 'NO_VALID_CHECKPOINT',
              message: 'no checkpoint of the batch was valid',
              field: 'checkpoints',
            },
        accepted: [],
        rejected,
      });
      return;
    }

    const items = await Promise.all(valid.map((v) => toMessage(codec, v.input)));
    await publish(items);
    res.status(202).json({
      accepted: items.map((item, i) => ({
        index: valid[i]!.index,
        event_id: item.eventId,
        event_time: new Date(item.eventTime).toISOString(),
      })),
      rejected,
    });
  });

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
