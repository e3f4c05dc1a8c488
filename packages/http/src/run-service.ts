import { ConfigError } from '@playhead/config';
import type { Logger } from '@playhead/logger';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Runs a service as a process: starts it, and on SIGTERM or SIGINT stops it within
 * `stopTimeoutMs` (the service writes what is waiting and commits), then exits. A bad
 * configuration or a failed start exits 1 with a message that says what to fix.
 */
export async function runService(
  logger: Logger,
  start: () => Promise<Stoppable>,
  stopTimeoutMs = 20_000,
): Promise<void> {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });

  let service: Stoppable;
  try {
    service = await start();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, 'invalid configuration');
      console.error(error.message);
    } else {
      logger.fatal({ err: error }, 'failed to start');
    }
    process.exit(1);
  }
  logger.info('started');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error({ stopTimeoutMs }, 'did not stop in time; exiting');
      process.exit(1);
    }, stopTimeoutMs);
    force.unref();
    service.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
