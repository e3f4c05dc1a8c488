import { parseArgs } from 'node:util';

export type Phase = 'memory' | 'traffic' | 'reads' | 'ingest';
export const PHASES: readonly Phase[] = ['memory', 'traffic', 'reads', 'ingest'];

export interface BenchConfig {
  readonly scale: number;
  readonly phases: ReadonlySet<Phase>;
  readonly seed: number;
  readonly viewers: number;
  readonly compression: number;
  readonly trafficSeconds: number;
  readonly freshnessSamples: number;
  readonly readRate: number;
  readonly readSeconds: number;
  readonly readConcurrency: number;
  readonly ingestSeconds: number;
  readonly ingestViewers: number;
  readonly ingestConcurrency: number;
  readonly batchSize: number;
  readonly batchConcurrency: number;
  readonly memoryKeys: readonly number[];
  readonly profile: boolean;
  readonly updateDoc: boolean;
  readonly keepData: boolean;
}

const HELP = `npm run bench -- [options]

  --scale N             multiply durations and sizes (also BENCH_SCALE); 0.2 is a quick run
  --only LIST           phases to run, of ${PHASES.join(',')} (default: all)
  --viewers N           simulated viewers in the player traffic (600)
  --compression N       simulated ms per wall ms in the player traffic (5: 10 s in 2 s)
  --traffic-seconds N   wall seconds of player traffic (60)
  --read-rate N         paced resume reads per second (2000)
  --ingest-seconds N    measured seconds of each ingest run (20)
  --batch-size N        checkpoints per /playback/batch request (200)
  --memory-keys LIST    key counts for the checkpointer memory (100000,1000000)
  --profile             write CPU profiles of the services and summarise their top frames
  --update-doc          write the table into BENCHMARKS.md
  --keep-data           leave the run's rows, Redis keys and topics in place
  --seed N              seed of the simulated viewers (1)`;

/** Flags first, then BENCH_* variables, then defaults; sizes and durations times the scale. */
export function loadBenchConfig(argv = process.argv.slice(2)): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string' },
      only: { type: 'string' },
      viewers: { type: 'string' },
      compression: { type: 'string' },
      'traffic-seconds': { type: 'string' },
      'read-rate': { type: 'string' },
      'ingest-seconds': { type: 'string' },
      'batch-size': { type: 'string' },
      'memory-keys': { type: 'string' },
      profile: { type: 'boolean', default: false },
      'update-doc': { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const number = (name: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`--${name} must be a positive number, got ${raw}`);
    }
    return value;
  };
  const scale = number('scale', values.scale ?? process.env.BENCH_SCALE, 1);
  const scaled = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  const phases = (values.only ?? PHASES.join(',')).split(',').map((p) => p.trim());
  const unknown = phases.filter((p) => !PHASES.includes(p as Phase));
  if (unknown.length > 0) {
    throw new Error(
      `--only: unknown phase ${unknown.join(', ')}; choose from ${PHASES.join(', ')}`,
    );
  }
  const memoryKeys = (values['memory-keys'] ?? '100000,1000000')
    .split(',')
    .map((k) => number('memory-keys', k, 0))
    .map((k) => (scale < 1 ? scaled(k, 10_000) : k));

  return Object.freeze({
    scale,
    phases: new Set(phases as Phase[]),
    seed: number('seed', values.seed, 1),
    viewers: scaled(number('viewers', values.viewers, 600), 50),
    compression: number('compression', values.compression, 5),
    trafficSeconds: scaled(number('traffic-seconds', values['traffic-seconds'], 60), 10),
    freshnessSamples: scaled(400, 100),
    readRate: number('read-rate', values['read-rate'], 2000),
    readSeconds: scaled(10, 3),
    readConcurrency: 32,
    ingestSeconds: scaled(number('ingest-seconds', values['ingest-seconds'], 20), 4),
    ingestViewers: scaled(20_000, 2000),
    ingestConcurrency: 64,
    batchSize: number('batch-size', values['batch-size'], 200),
    batchConcurrency: 8,
    memoryKeys,
    profile: values.profile,
    updateDoc: values['update-doc'],
    keepData: values['keep-data'],
  });
}
