import type { Message, Producer } from 'kafkajs';
import type { Logger } from '@playhead/logger';

interface Waiting {
  message: Message;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Kafka did not confirm an event in time; the client should retry later. */
export class PublishTimeoutError extends Error {
  readonly retriable = true;
  constructor(ms: number) {
    super(`Kafka did not confirm the event within ${ms} ms`);
    this.name = 'PublishTimeoutError';
  }
}

/**
 * Gathers events from concurrent requests into one produce request per short window, and
 * resolves each caller only once Kafka acknowledged its event on all in-sync replicas.
 * One request per event would cap ingest at a few thousand per second.
 */
export class BatchingPublisher {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly options: { lingerMs: number; maxBatch: number; timeoutMs: number },
    private readonly logger: Logger,
  ) {}

  /** Resolves when Kafka has the events; rejects with PublishTimeoutError past the bound. */
  publish(messages: Message[]): Promise<void> {
    const all = messages.map(
      (message) =>
        new Promise<void>((resolve, reject) => {
          this.queue.push({ message, resolve, reject });
        }),
    );
    if (this.queue.length >= this.options.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    return withDeadline(
      Promise.all(all).then(() => undefined),
      this.options.timeoutMs,
    );
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;

    const sending = this.producer
      .send({ topic: this.topic, acks: -1, messages: batch.map((w) => w.message) })
      .then(
        () => batch.forEach((w) => w.resolve()),
        (error: Error) => {
          this.logger.warn({ err: error, events: batch.length }, 'produce failed');
          batch.forEach((w) => w.reject(error));
        },
      );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  /** Sends what is queued and waits for every request in flight. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }
}

function withDeadline(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishTimeoutError(ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
