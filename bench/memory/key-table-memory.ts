// The checkpointer's heap per key held, measured on its own in a fresh process:
//
//   node --expose-gc --conditions=source --import tsx bench/memory/key-table-memory.ts 100000
//
// A CheckpointWriter (the real class) is fed synthetic checkpoints through its store
// interface, with a store whose load finds nothing and whose write stores everything: no
// Kafka and no database, so the heap holds the key table and little else. Prints one JSON
// line.
import { DEFAULT_RULES, type Checkpoint } from '@playhead/domain';
import {
  CheckpointWriter,
  type Positioned,
} from '../../services/checkpointer/src/checkpoint-writer.js';

const keys = Number(process.argv[2] ?? 100_000);
const PARTITIONS = 12;
// Checkpoints per apply(): about what one fetched batch of one partition holds.
const CHUNK = Number(process.env.BENCH_MEMORY_CHUNK ?? 500);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/**
 * A copy of `s` as a flat string of its own, as a decoder hands each message's fields,
 * so no two keys share an id string and none is a concatenation of others.
 */
const own = (s: string) => Buffer.from(s, 'latin1').toString('latin1');

/** A UUID-shaped account id that depends only on `n`: the two feeds name the same keys. */
function accountId(n: number): string {
  let h = (n + 1) * 2654435761;
  let hex = '';
  for (let i = 0; i < 4; i += 1) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const BASE = Date.UTC(2026, 0, 1, 20);

/** Key i: three keys per account (profiles p1..p3), a seven-digit video id. */
function checkpoint(i: number, event: 'start' | 'heartbeat', step: number): Checkpoint {
  return {
    accountId: own(accountId(Math.floor(i / 3))),
    profileId: own(`p${(i % 3) + 1}`),
    videoId: own(`v${String(i % 9_999_991).padStart(7, '0')}`),
    deviceId: own(`tv-${accountId(i).slice(0, 8)}`),
    positionSeconds: 600 + (i % 3000) + step * 10.5,
    event,
    durationSeconds: 5400,
    sessionId: own(`s-${accountId(i).slice(9, 18)}`),
    eventTime: BASE + (i % 60_000) + step * 10_000,
  };
}

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const writer = new CheckpointWriter(
  {
    load: async () => [],
    write: async (entries) => entries.map((e) => e.key),
  },
  DEFAULT_RULES,
  Date.now,
  { maxKeys: keys * 2, writeBatchSize: 1000 },
);
const offsets = new Array<bigint>(PARTITIONS).fill(0n);

let applyMs = 0;

/** Feeds every key one checkpoint, a partition's chunk at a time; times the writer only. */
async function feed(event: 'start' | 'heartbeat', step: number): Promise<void> {
  for (let from = 0, chunk = 0; from < keys; from += CHUNK, chunk += 1) {
    const partition = chunk % PARTITIONS;
    const items: Positioned[] = [];
    for (let i = from; i < Math.min(keys, from + CHUNK); i += 1) {
      items.push({ offset: offsets[partition]!, checkpoint: checkpoint(i, event, step) });
      offsets[partition]! += 1n;
    }
    const started = performance.now();
    await writer.apply(partition, items);
    applyMs += performance.now() - started;
  }
}

const before = heap();
// A start writes a new key at once; the heartbeat 10 s later waits for the timer: every
// key ends up held with a checkpoint waiting, as for a viewer in mid-play.
await feed('start', 0);
await feed('heartbeat', 1);
const waitingHeap = heap();
const waiting = writer.offsets.waiting();

await writer.flushAll();
const writtenHeap = heap();

console.log(
  JSON.stringify({
    keys,
    held: writer.keys.size,
    waiting,
    bytesPerKeyWaiting: Math.round((waitingHeap - before) / keys),
    bytesPerKeyWritten: Math.round((writtenHeap - before) / keys),
    heapUsedMiB: Math.round(waitingHeap / 2 ** 20),
    applySeconds: Math.round(applyMs / 100) / 10,
    checkpointsPerSecond: Math.round((2 * keys) / (applyMs / 1000)),
  }),
);
