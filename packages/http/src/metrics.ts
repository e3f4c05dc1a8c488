import type { RequestHandler } from 'express';
import client from 'prom-client';

export { client as prom };

/** A service's metrics registry, with Node's default process metrics. */
export function createRegistry(service: string): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Counts requests and times them by route template (never the raw path, which holds
 * ids), method and status.
 */
export function requestMetrics(registry: client.Registry): RequestHandler {
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const total = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      const labels = { route, method: req.method, status: String(res.statusCode) };
      total.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - end) / 1e9);
    });
    next();
  };
}

/**
 * The series every consumer group exports under the same names, so one dashboard reads
 * the checkpointer and the projector alike.
 */
export function consumerMetrics(registry: client.Registry) {
  const registers = [registry];
  return {
    deadLetters: new client.Counter({
      name: 'dead_letters_total',
      help: 'Messages sent to the dead-letter topic.',
      registers,
    }),
    lag: new client.Gauge({
      name: 'consumer_lag_messages',
      help: 'Messages between the committed offset and the end of the partition.',
      labelNames: ['group', 'partition'],
      registers,
    }),
  };
}
