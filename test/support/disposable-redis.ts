import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort, waitForPort } from './free-port.js';

/**
 * A Redis server of a test's own, a child of the test process on a free port, without
 * persistence: a stop loses everything, as a crashed cache node would. The shared Redis at
 * 6379 is never touched.
 */
export interface DisposableRedis {
  readonly port: number;
  readonly url: string;
  /** SIGKILL by default: the server dies with its data. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts an empty server on the same port. */
  start(): Promise<void>;
  /** SIGSTOP: the connections stay open and nothing answers, as on a hung node. */
  freeze(): void;
  thaw(): void;
  destroy(): Promise<void>;
}

export async function startDisposableRedis(): Promise<DisposableRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    if (child) return;
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = server;
    server.once('exit', () => {
      if (child === server) child = null;
    });
    await waitForPort(port, 10_000);
  };

  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const server = child;
    if (!server) return;
    const exited = once(server, 'exit');
    server.kill('SIGCONT');
    server.kill(signal);
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    destroy: () => stop('SIGKILL'),
  };
}
