import { expect } from 'chai';
import type { Message, Producer } from 'kafkajs';
import { createLogger } from '@playhead/logger';
import { BatchingPublisher } from '../src/publisher.js';

/** A producer whose sends stay open until the test lets them go. */
function heldProducer() {
  const sends: Array<{ messages: Message[]; release: () => void }> = [];
  const producer = {
    send: ({ messages }: { messages: Message[] }) =>
      new Promise<void>((resolve) => sends.push({ messages, release: resolve })),
  } as unknown as Producer;
  return { producer, sends };
}

const logger = createLogger('test', { level: 'silent' });
const message = (n: number): Message => ({ key: `k${n}`, value: `v${n}` });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('batching publisher', () => {
  it('gathers what arrives while a produce request is out into the next one', async () => {
    const { producer, sends } = heldProducer();
    const publisher = new BatchingPublisher(
      producer,
      'topic',
      { lingerMs: 0, maxBatch: 1000, maxInFlight: 1, timeoutMs: 1000 },
      logger,
    );

    const first = publisher.publish([message(1)]);
    await tick();
    const later = [2, 3, 4].map((n) => publisher.publish([message(n)]));
    await tick();
    expect(sends).to.have.length(1);

    sends[0]!.release();
    await first;
    await tick();
    expect(sends).to.have.length(2);
    expect(sends[1]!.messages.map((m) => m.key)).to.deep.equal(['k2', 'k3', 'k4']);

    sends[1]!.release();
    await Promise.all(later);
  });

  it('never sends more than maxBatch events in one request', async () => {
    const { producer, sends } = heldProducer();
    const publisher = new BatchingPublisher(
      producer,
      'topic',
      { lingerMs: 0, maxBatch: 2, maxInFlight: 1, timeoutMs: 1000 },
      logger,
    );

    const all = publisher.publish([1, 2, 3, 4, 5].map(message));
    for (let i = 0; i < 3; i += 1) {
      await tick();
      sends[i]!.release();
    }
    await all;

    expect(sends.map((s) => s.messages.length)).to.deep.equal([2, 2, 1]);
  });

  it('drains what is queued behind the request in flight', async () => {
    const { producer, sends } = heldProducer();
    const publisher = new BatchingPublisher(
      producer,
      'topic',
      { lingerMs: 50, maxBatch: 1000, maxInFlight: 1, timeoutMs: 1000 },
      logger,
    );
    void publisher.publish([message(1)]);
    const draining = publisher.drain();
    void publisher.publish([message(2)]);
    await tick();
    sends[0]!.release();
    await tick();
    sends[1]!.release();
    await draining;

    expect(sends.flatMap((s) => s.messages.map((m) => m.key))).to.deep.equal(['k1', 'k2']);
  });

  it('answers a timeout and never sends the events that had not left by then', async () => {
    const { producer, sends } = heldProducer();
    const publisher = new BatchingPublisher(
      producer,
      'topic',
      { lingerMs: 0, maxBatch: 1000, maxInFlight: 1, timeoutMs: 30 },
      logger,
    );

    // The first is sent and held past its deadline; the second waits behind it.
    const first = publisher.publish([message(1)]).catch(() => undefined);
    await tick();
    const outcome = await publisher.publish([message(2)]).catch((e: unknown) => e);
    const third = publisher.publish([message(3)]);
    sends[0]!.release();
    await first;
    await tick();
    sends[1]!.release();
    await third;

    expect((outcome as Error).name).to.equal('PublishTimeoutError');
    expect(sends.map((s) => s.messages.map((m) => m.key))).to.deep.equal([['k1'], ['k3']]);
  });
});
