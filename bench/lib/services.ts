import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export type ServiceName = 'ingest-api' | 'checkpointer' | 'projector' | 'resume-api';

export interface ServiceProcess {
  readonly name: string;
  /** Base URL of its HTTP port (the API, or the metrics port of a consumer). */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly repoRoot: string;
  readonly logDir: string;
  /** Writes a V8 CPU profile of the whole process life into this folder. */
  readonly cpuProfileDir?: string;
  /** Name of the instance, for logs and profiles, when one service runs twice. */
  readonly label?: string;
}

/**
 * Starts a service as its own process, exactly as `npm start` does, and resolves once it
 * logs `started`, with the URL it logged for `listening`. Its log lines go to a file.
 */
export function startService(
  name: ServiceName,
  env: Record<string, string>,
  options: SpawnOptions,
): Promise<ServiceProcess> {
  const label = options.label ?? name;
  mkdirSync(options.logDir, { recursive: true });
  const log = createWriteStream(path.join(options.logDir, `${label}.log`));
  const profiling = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, label)}`]
    : [];
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      ...profiling,
      path.join('services', name, 'src', 'main.ts'),
    ],
    { cwd: options.repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.pipe(log, { end: false });

  return new Promise((resolve, reject) => {
    let url: string | null = null;
    const tail: string[] = [];
    const failed = (why: string) =>
      reject(new Error(`${label} did not start: ${why}\n${tail.slice(-20).join('\n')}`));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      failed('no "started" within 90 s');
    }, 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      failed(`exited with ${code}`);
    });

    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      if (tail.push(line) > 50) tail.shift();
      let entry: { msg?: string; url?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === 'listening' && entry.url) url = entry.url;
      if (entry.msg === 'started' && url) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ name: label, url, pid: child.pid!, stop: () => stopChild(child, log) });
      }
    });
  });
}

/** SIGTERM, as an orchestrator stops it (the service writes what waits); SIGKILL after 30 s. */
function stopChild(child: ChildProcess, log: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      log.end();
      resolve();
      return;
    }
    const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(force);
      log.end();
      resolve();
    });
    child.kill('SIGTERM');
  });
}
