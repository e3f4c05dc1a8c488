import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export interface MemoryResult {
  readonly keys: number;
  readonly held: number;
  readonly waiting: number;
  /** Heap per key with a checkpoint waiting in every key, as in mid-play. */
  readonly bytesPerKeyWaiting: number;
  /** Heap per key once everything is written. */
  readonly bytesPerKeyWritten: number;
  readonly heapUsedMiB: number;
  /** Time spent in CheckpointWriter.apply, the synthetic feed left out. */
  readonly applySeconds: number;
  /** How fast the writer took the synthetic checkpoints (no Kafka, no database). */
  readonly checkpointsPerSecond: number;
}

/** Runs the key-table measurement in a fresh process, so nothing else is on its heap. */
export async function measureKeyTableMemory(repoRoot: string, keys: number): Promise<MemoryResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=4096',
      '--conditions=source',
      '--import',
      'tsx',
      path.join('bench', 'memory', 'key-table-memory.ts'),
      String(keys),
    ],
    { cwd: repoRoot, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as MemoryResult;
}
