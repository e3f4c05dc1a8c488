import { expect } from 'chai';
import { retryWithBackoff } from '../src/index.js';

describe('retryWithBackoff', () => {
  it('waits a random time under a cap that doubles each attempt, up to the maximum', async () => {
    const delays: number[] = [];
    let calls = 0;

    const result = await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls <= 8) throw new Error('down');
        return 'done';
      },
      {
        shouldStop: () => false,
        onRetry: (_e, delay) => delays.push(delay),
        initialMs: 1,
        maxMs: 16,
      },
    );

    expect(result).to.equal('done');
    expect(delays).to.have.length(8);
    delays.forEach((delay, attempt) => {
      expect(delay)
        .to.be.at.least(0)
        .and.below(Math.min(16, 2 ** attempt));
    });
  });

  it('rethrows once the work is no longer ours, and calls the heartbeat between attempts', async () => {
    let beats = 0;
    let calls = 0;

    const outcome = await retryWithBackoff(
      async () => {
        calls += 1;
        throw new Error(`failure ${calls}`);
      },
      {
        shouldStop: () => calls >= 3,
        onRetry: () => undefined,
        heartbeat: async () => {
          beats += 1;
        },
        initialMs: 1,
      },
    ).catch((e: unknown) => e);

    expect((outcome as Error).message).to.equal('failure 3');
    expect(beats).to.equal(2);
  });

  it('cuts a wait short when its signal aborts, then gives up', async () => {
    const stop = new AbortController();
    let calls = 0;
    const started = Date.now();

    const outcome = retryWithBackoff(
      async () => {
        calls += 1;
        throw new Error('down');
      },
      {
        shouldStop: () => stop.signal.aborted,
        onRetry: () => undefined,
        initialMs: 60_000,
        signal: stop.signal,
      },
    ).catch((e: unknown) => e);
    setTimeout(() => stop.abort(), 20);

    expect(await outcome).to.be.instanceOf(Error);
    expect(Date.now() - started).to.be.below(1000);
    expect(calls).to.be.within(2, 3);
  });
});
