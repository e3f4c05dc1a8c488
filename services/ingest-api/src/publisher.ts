import type { Message, Producer } from 'kafkajs';
import type { Logger } from '@playhead/logger';

interface Waiting {
  message: Message;
  resolve: () => void;
  reject: (error: Error) => void;
  /** Its caller was already answered 503: if it has not left yet, it never will. */
  expired: boolean;
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
 * Gathers events from concurrent requests into produce requests, and resolves each caller
 * only once Kafka acknowledged its event on all in-sync replicas.
 *
 * At most `maxInFlight` produce requests are outstanding: events arriving meanwhile wait
 * and leave together as soon as one returns, so a batch grows with the load. A broker
 * handles one request per connection at a time, so sending a small request every linger
 * window instead only queues them behind each other and caps ingest at a few hundred
 * requests per second, whatever their size.
 */
export class BatchingPublisher {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly options: {
      lingerMs: number;
      maxBatch: number;
      maxInFlight: number;
      timeoutMs: number;
    },
    private readonly logger: Logger,
  ) {}

  /** Resolves when Kafka has the events; rejects with PublishTimeoutError past the bound. */
  publish(messages: Message[]): Promise<void> {
    const waiting: Waiting[] = [];
    const all = messages.map(
      (message) =>
        new Promise<void>((resolve, reject) => {
          const entry = { message, resolve, reject, expired: false };
          waiting.push(entry);
          this.queue.push(entry);
        }),
    );
    this.schedule();
    // Past the deadline the caller answers 503, and the client sends the event again
    // later. Events still queued are dropped then: sent anyway, each would arrive twice,
    // and while Kafka is down the queue would grow with events nobody waits for.
    return withDeadline(
      Promise.all(all).then(() => undefined),
      this.options.timeoutMs,
      () => {
        for (const entry of waiting) entry.expired = true;
      },
    );
  }

  /** Sends now when a batch is full, else within the linger window; never past maxInFlight. */
  private schedule(): void {
    if (this.queue.length === 0 || this.inFlight.size >= this.options.maxInFlight) return;
    if (this.queue.length >= this.options.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = this.queue.filter((w) => !w.expired);
    if (this.queue.length === 0 || this.inFlight.size >= this.options.maxInFlight) return;
    const batch = this.queue.slice(0, this.options.maxBatch);
    this.queue = this.queue.slice(batch.length);

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
    void sending.finally(() => {
      this.inFlight.delete(sending);
      // What gathered while this request was out leaves at once: it already waited.
      this.flush();
    });
  }

  /** Sends what is queued and waits for every request in flight. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }
}

function withDeadline(promise: Promise<void>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new PublishTimeoutError(ms));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
