import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createPool, postJson } from '../lib/http.js';
import { LatencyRecorder, round, type LatencySummary } from '../lib/stats.js';

export interface Calibration extends LatencySummary {
  readonly concurrency: number;
  readonly perSecond: number;
}

/**
 * The same client against a plain node:http server in its own process: the most requests
 * per second this machine gives one Node server, whatever it does.
 */
export async function calibrateHttp(
  repoRoot: string,
  concurrency: number,
  durationMs: number,
): Promise<Calibration> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join('bench', 'calibration', 'plain-server.ts')],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => resolve(Number(line)));
      child.once('exit', (code) => reject(new Error(`plain server exited with ${code}`)));
    });
    const pool = createPool(`http://127.0.0.1:${port}`, concurrency);
    const latency = new LatencyRecorder();
    const body = { account_id: 'a', profile_id: 'p1', video_id: 'v1', position_seconds: 1 };
    let done = 0;
    const start = performance.now();
    const end = start + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const sentAt = performance.now();
          await postJson(pool, '/playback/update', body);
          latency.record(performance.now() - sentAt);
          done += 1;
        }
      }),
    );
    const perSecond = round(done / ((performance.now() - start) / 1000), 0);
    await pool.close();
    return { ...latency.summary(), concurrency, perSecond };
  } finally {
    child.kill('SIGTERM');
  }
}
