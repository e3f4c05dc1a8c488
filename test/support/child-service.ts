import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

export type ServiceName = 'ingest-api' | 'checkpointer' | 'projector' | 'resume-api';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the signal sent by `kill` to the exit; null when the process exited on its own. */
  readonly afterSignalMs: number | null;
}

/**
 * One service running as a real process, as in production (`node --import tsx
 * services/<name>/src/main.ts`), so a test can SIGKILL or SIGTERM it. Its JSON log lines
 * are kept for the test to read.
 */
export interface ChildService {
  readonly name: ServiceName;
  readonly pid: number;
  /** The URL of its HTTP port (API or metrics), from its `listening` log line. */
  readonly url: string;
  readonly logs: Array<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves with how the process ended; rejects when it outlives `timeoutMs`. */
  exited(timeoutMs: number): Promise<Exit>;
}

/** Starts a service and resolves once it logged `started`; rejects if it exits first. */
export async function startChildService(
  name: ServiceName,
  env: Record<string, string>,
  timeoutMs = 45_000,
): Promise<ChildService> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', `services/${name}/src/main.ts`],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  let url = '';
  let signalledAt: number | null = null;
  let exit: Exit | null = null;
  const exitPromise = once(child, 'exit').then(([code, signal]) => {
    exit = {
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      afterSignalMs: signalledAt === null ? null : Date.now() - signalledAt,
    };
    return exit;
  });

  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      entry = { msg: line };
    }
    logs.push(entry);
    if (entry.msg === 'listening' && typeof entry.url === 'string') url = entry.url;
    if (entry.msg === 'started') onStarted();
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      started,
      exitPromise.then((e) => {
        throw new Error(
          `${name} exited while starting (code ${e.code}, signal ${e.signal}): ${stderr.slice(-5).join('\n')}`,
        );
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${name} did not start within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }

  return {
    name,
    pid: child.pid!,
    url,
    logs,
    kill(signal) {
      if (exit) return;
      signalledAt ??= Date.now();
      child.kill(signal);
    },
    async exited(ms) {
      if (exit) return exit;
      let t: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          exitPromise,
          new Promise<never>((_, reject) => {
            t = setTimeout(() => reject(new Error(`${name} still running after ${ms} ms`)), ms);
          }),
        ]);
      } finally {
        clearTimeout(t);
      }
    },
  };
}
