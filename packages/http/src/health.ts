import { Router } from 'express';
import type client from 'prom-client';

export type ReadinessCheck = () => Promise<void>;

/**
 * `/healthz` answers while the process lives; `/readyz` runs each dependency check with a
 * short bound and names the ones that fail; `/metrics` serves the registry.
 */
export function opsRouter(
  registry: client.Registry,
  checks: Record<string, ReadinessCheck>,
): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 1000);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, (error as Error).message || 'failed'] as const;
        }
      }),
    );
    const failing = results.filter(([, r]) => r !== 'ok');
    res.status(failing.length ? 503 : 200).json({
      status: failing.length ? 'unavailable' : 'ok',
      checks: Object.fromEntries(results),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
