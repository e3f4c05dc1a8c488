// `npm run bench`: the whole pipeline on this machine, measured in one run. See
// BENCHMARKS.md for what each figure means and the latest results.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRedis } from '@playhead/store';
import { loadBenchConfig } from './config.js';
import {
  monotonicUs,
  summariseProfiles,
  type ProfileSummary,
  type Window,
} from './lib/cpu-profile.js';
import { createPool } from './lib/http.js';
import { describeMachine } from './lib/machine.js';
import { startBenchPipeline, type BenchPipeline } from './lib/pipeline.js';
import { calibrateHttp } from './phases/calibration.js';
import { compareDbWrites } from './phases/db-writes.js';
import { measureIngest } from './phases/ingest.js';
import { measureKeyTableMemory } from './phases/memory.js';
import { runPlayerTraffic } from './phases/player-traffic.js';
import { maxReads, pacedReads } from './phases/resume-reads.js';
import { markdownTable, rows, terminalTable, type Results } from './report.js';
import { deleteRunRows } from './store/delete-run-rows.js';
import { Random } from './simulator/random.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(repoRoot, 'bench', 'results');
const config = loadBenchConfig();
const runId = randomBytes(3).toString('hex');
const machine = describeMachine();
const startedAt = new Date();
const log = (message: string) =>
  console.log(
    `[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${message}`,
  );

log(`run ${runId} on ${machine.cpus} cores, ${machine.memoryGiB} GiB, node ${machine.node}`);
log(`uptime: ${machine.uptime}`);
mkdirSync(resultsDir, { recursive: true });
rmSync(path.join(resultsDir, 'profiles'), { recursive: true, force: true });

const results: Results = {};
const windows: Window[] = [];

/** Runs one measured step and notes its span, to read the services' profiles by phase. */
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const fromUs = monotonicUs();
  try {
    return await work();
  } finally {
    windows.push({ name, fromUs, toUs: monotonicUs() });
  }
}

if (config.phases.has('memory')) {
  results.memory = [];
  for (const keys of config.memoryKeys) {
    log(`checkpointer memory: ${keys.toLocaleString('en-US')} keys, in a child process`);
    results.memory.push(await measureKeyTableMemory(repoRoot, keys));
  }
}

log('calibration: the same client against a plain node:http server, 4 s');
results.calibration = await calibrateHttp(repoRoot, 64, 4000);

const needsServices = ['traffic', 'reads', 'ingest'].some((p) => config.phases.has(p as never));
let pipeline: BenchPipeline | null = null;
let profiles: ProfileSummary[] = [];
if (needsServices) {
  log('starting ingest-api, checkpointer, projector and resume-api as child processes');
  pipeline = await startBenchPipeline({
    runId,
    repoRoot,
    resultsDir,
    cpuProfile: config.profile,
  });
  try {
    await measure(pipeline);
  } finally {
    log('stopping the services');
    await pipeline.stopServices();
    if (!config.keepData) await cleanUp(pipeline);
    await pipeline.close();
  }
  if (config.profile) profiles = summariseProfiles(path.join(resultsDir, 'profiles'), windows);
}

async function measure(p: BenchPipeline): Promise<void> {
  log('warm-up: 3 s of ingest, and both consumer groups joined');
  await measureIngest(p, {
    mode: 'single',
    viewers: 500,
    concurrency: 8,
    batchSize: 1,
    durationMs: 3000,
    warmupMs: 0,
    seed: config.seed + 100,
  });

  let keys: Array<{ accountId: string; profileId: string; videoId: string }> = [];
  if (config.phases.has('traffic')) {
    log(
      `player traffic: ${config.viewers} viewers, ${config.compression}x time, ${config.trafficSeconds} s, then PostgreSQL catch-up`,
    );
    const traffic = await phase('player traffic', () =>
      runPlayerTraffic(p, {
        viewers: config.viewers,
        compression: config.compression,
        durationMs: config.trafficSeconds * 1000,
        lanes: 64,
        seed: config.seed,
        freshnessSamples: config.freshnessSamples,
        accuracyKeys: 40,
        accuracyEveryMs: 500,
        catchUpTimeoutMs: 90_000,
      }),
    );
    const { accepted, truth, ...rest } = traffic;
    results.traffic = rest;
    keys = [...truth.values()].map((t) => t.key);
    log(`baseline: ${accepted.length.toLocaleString('en-US')} checkpoints, one upsert each`);
    results.dbWrites = await compareDbWrites(p.db, accepted, traffic.rowsWritten, `b${runId}-`);
  }

  if (config.phases.has('reads')) {
    if (keys.length === 0) throw new Error('--only reads needs the traffic phase for its keys');
    const random = new Random(config.seed + 2);
    const readMs = config.readSeconds * 1000;
    log(`resume reads from Redis: ${config.readRate}/s paced, then max`);
    const redis = {
      paced: await phase('reads, Redis, paced', () =>
        pacedReads(p.resumePool, keys, random, config.readRate, readMs),
      ),
      max: await phase('reads, Redis, max', () =>
        maxReads(p.resumePool, keys, random, config.readConcurrency, readMs),
      ),
    };
    log('resume reads from PostgreSQL alone: a resume API with Redis at an unreachable port');
    const alone = await p.startResume('resume-api-postgres-only', {
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const pool = createPool(alone.url, 64);
    const postgres = {
      paced: await phase('reads, PostgreSQL alone, paced', () =>
        pacedReads(pool, keys, random, config.readRate, readMs),
      ),
      max: await phase('reads, PostgreSQL alone, max', () =>
        maxReads(pool, keys, random, config.readConcurrency, readMs),
      ),
    };
    await pool.close();
    await alone.stop();
    results.reads = { redis, postgres };
  }

  if (config.phases.has('ingest')) {
    const common = {
      viewers: config.ingestViewers,
      durationMs: config.ingestSeconds * 1000,
      warmupMs: 2000,
      seed: config.seed + 3,
    };
    log(`ingest one by one: ${config.ingestConcurrency} connections, ${config.ingestSeconds} s`);
    const single = await phase('ingest, one by one', () =>
      measureIngest(p, {
        ...common,
        mode: 'single',
        concurrency: config.ingestConcurrency,
        batchSize: 1,
      }),
    );
    log(`ingest in batches of ${config.batchSize}: ${config.batchConcurrency} connections`);
    const batch = await phase('ingest, batches', () =>
      measureIngest(p, {
        ...common,
        mode: 'batch',
        concurrency: config.batchConcurrency,
        batchSize: config.batchSize,
      }),
    );
    results.ingest = { single, batch };
  }
}

/** The run's rows, Redis keys and topics: a bench leaves the shared stack as it found it. */
async function cleanUp(p: BenchPipeline): Promise<void> {
  await deleteRunRows(p.db, `b${runId}-`);
  const redis = createRedis(p.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    enableOfflineQueue: true,
  });
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `b${runId}:*`, 'COUNT', 1000);
    if (found.length > 0) await redis.unlink(...found);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  await p.admin
    .deleteTopics({ topics: [p.env.CHECKPOINT_TOPIC!, p.env.DEAD_LETTER_TOPIC!] })
    .catch(() => undefined);
  await p.admin
    .deleteGroups([p.env.CHECKPOINTER_GROUP!, p.env.PROJECTOR_GROUP!])
    .catch(() => undefined);
}

const table = rows(results);
const finishedAt = new Date();
const report = {
  runId,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  startedAt: startedAt.toISOString(),
  seconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
  machine,
  config: { ...config, phases: [...config.phases] },
  setup:
    'services as child processes (node --conditions=source --import tsx services/<name>/src/main.ts), load generator in this process',
  results,
  table,
  profiles,
};
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);

console.log();
console.log(terminalTable(table));
for (const window of windows) {
  const of = profiles.filter((p) => p.window === window.name);
  if (of.length === 0) continue;
  console.log(`\nCPU during "${window.name}" (share of each service's busy time):`);
  for (const p of of) {
    const areas = p.areas.slice(0, 5).map((a) => `${a.frame} ${a.selfPercent} %`);
    console.log(
      `  ${p.service.padEnd(26)} busy ${String(p.busyPercent).padStart(5)} %  ${areas.join(', ')}`,
    );
  }
}
log(`figures in ${path.relative(repoRoot, path.join(resultsDir, 'latest.json'))}`);

if (config.updateDoc) {
  const file = path.join(repoRoot, 'BENCHMARKS.md');
  const doc = readFileSync(file, 'utf8');
  const block = [
    '<!-- bench:latest:start -->',
    `Run \`${report.command}\` on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${report.seconds} s.`,
    '',
    `- machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM, node ${machine.node}, ${machine.platform}`,
    `- load at start (\`uptime\`): ${machine.uptime}`,
    '',
    markdownTable(table),
    '<!-- bench:latest:end -->',
  ].join('\n');
  const updated = doc.replace(/<!-- bench:latest:start -->[\s\S]*<!-- bench:latest:end -->/, block);
  if (updated === doc) throw new Error('BENCHMARKS.md has no bench:latest markers');
  writeFileSync(file, updated);
  log('BENCHMARKS.md updated');
}
