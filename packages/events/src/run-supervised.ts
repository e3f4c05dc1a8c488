import type { Consumer, ConsumerRunConfig } from 'kafkajs';
import type { Logger } from '@playhead/logger';

export interface SupervisionOptions {
  /** True once the service stops: a crash then is left alone. */
  stopping: () => boolean;
  logger: Logger;
  initialMs?: number;
  maxMs?: number;
}

/**
 * Runs a consumer and keeps it running. kafkajs starts a crashed consumer again only when
 * the error is retriable; after others that a fresh join would cure it leaves the consumer
 * stopped while the process looks healthy (tulios/kafkajs#1568, #1630). A broker down for
 * longer than the session timeout does it: the group forgets the member, and "The
 * coordinator is not aware of this member" stopped both consumers for good in the broker
 * fault test. Such a crash is followed here by a new start, after a backoff that grows
 * until the consumer joins its group again.
 */
export async function runSupervised(
  consumer: Consumer,
  config: ConsumerRunConfig,
  options: SupervisionOptions,
): Promise<void> {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 10_000;
  let attempt = 0;

  const restart = () => {
    if (options.stopping()) return;
    const delay = Math.min(max, initial * 2 ** attempt);
    attempt += 1;
    setTimeout(() => {
      if (options.stopping()) return;
      // A failed start crashes again (and lands here); a refused connection does not.
      consumer
        .connect()
        .then(() => consumer.run(config))
        .catch((error: unknown) => {
          options.logger.warn({ err: error, attempt }, 'consumer restart failed; trying again');
          restart();
        });
    }, delay).unref();
  };

  consumer.on(consumer.events.GROUP_JOIN, () => {
    attempt = 0;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || options.stopping()) return;
    options.logger.error(
      { err: payload.error },
      'consumer crashed and kafkajs will not restart it; starting it again',
    );
    restart();
  });
  await consumer.run(config);
}
