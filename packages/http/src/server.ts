import type { Express } from 'express';
import type { Server } from 'node:http';
import type { Logger } from '@playhead/logger';

/** Starts listening and resolves with the bound URL once the port is bound; rejects on a taken port. */
export function listen(
  app: Express,
  host: string,
  port: number,
  logger: Logger,
): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => {
      const address = server.address();
      // Port 0 asks for any free port: report the one bound.
      const bound = typeof address === 'object' && address ? address.port : port;
      const url = `http://${host}:${bound}`;
      logger.info({ url }, 'listening');
      resolve({ server, url });
    });
    server.once('error', reject);
    // Keep-alive longer than typical load balancers' idle timeout.
    server.keepAliveTimeout = 65_000;
  });
}

/** Stops accepting connections and waits for requests in flight, at most `ms`. */
export function closeServer(server: Server, ms: number): Promise<void> {
  return new Promise((resolve) => {
    // A client that keeps its connection alive would go on sending here until the timer
    // cuts it: each request still arriving is answered with `Connection: close`, so every
    // connection ends after its current request and the client moves to another instance.
    server.prependListener('request', (_req, res) => {
      res.shouldKeepAlive = false;
    });
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, ms);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
