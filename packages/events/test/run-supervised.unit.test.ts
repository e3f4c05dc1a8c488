import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { createLogger } from '@playhead/logger';
import { runSupervised } from '../src/index.js';

const events = { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' } as const;

/** A consumer that records connects and runs, and crashes when the test says. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  let failConnects = 0;
  const consumer = {
    events,
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
    connect: async () => {
      calls.push('connect');
      if (failConnects > 0) {
        failConnects -= 1;
        throw new Error('connect ECONNREFUSED');
      }
    },
    run: async () => {
      calls.push('run');
    },
  } as unknown as Consumer;
  return {
    consumer,
    calls,
    crash: (restart: boolean) =>
      emitter.emit(events.CRASH, {
        payload: { error: new Error('not aware of this member'), restart },
      }),
    join: () => emitter.emit(events.GROUP_JOIN, { payload: {} }),
    failNextConnects: (n: number) => (failConnects = n),
  };
}

const logger = createLogger('test', { level: 'silent' });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runSupervised', () => {
  it('starts again a consumer that kafkajs leaves stopped after a crash', async () => {
    const fake = fakeConsumer();
    await runSupervised(fake.consumer, {}, { stopping: () => false, logger, initialMs: 1 });

    fake.crash(false);
    await wait(20);

    expect(fake.calls).to.deep.equal(['run', 'connect', 'run']);
  });

  it('leaves a crash kafkajs restarts itself, and any crash once stopping', async () => {
    const fake = fakeConsumer();
    let stopping = false;
    await runSupervised(fake.consumer, {}, { stopping: () => stopping, logger, initialMs: 1 });

    fake.crash(true);
    stopping = true;
    fake.crash(false);
    await wait(20);

    expect(fake.calls).to.deep.equal(['run']);
  });

  it('keeps trying while the broker refuses connections', async () => {
    const fake = fakeConsumer();
    await runSupervised(fake.consumer, {}, { stopping: () => false, logger, initialMs: 1 });

    fake.failNextConnects(3);
    fake.crash(false);
    await wait(200);

    expect(fake.calls).to.deep.equal(['run', 'connect', 'connect', 'connect', 'connect', 'run']);
  });
});
