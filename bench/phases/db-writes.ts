import { applyCheckpoint, decideWrite, type LastWrite, type ResumeState } from '@playhead/domain';
import type { Pool } from '@playhead/store';
import { createBaselineTable } from '../baseline/create-baseline-table.js';
import { deleteBaselineRows } from '../baseline/delete-baseline-rows.js';
import { upsertBaselineCheckpoint } from '../baseline/upsert-baseline-checkpoint.js';
import type { Accepted } from '../lib/send-upload.js';
import { BENCH_RULES } from '../lib/rules.js';
import { round } from '../lib/stats.js';
import { eachLimited } from '../lib/time.js';

export interface DbWrites {
  readonly checkpoints: number;
  /** Rows the checkpointer changed, from its checkpointer_db_rows_written_total. */
  readonly pipelineRows: number;
  readonly pipelinePer1000: number;
  /** Rows the naive design changed, one statement per checkpoint. */
  readonly baselineRows: number;
  readonly baselinePer1000: number;
  readonly baselineStatementsPerSecond: number;
  /** pipeline / baseline. */
  readonly ratio: number;
  /**
   * The debounce rules alone, checkpoint by checkpoint: what the pipeline would write with
   * no batching of a key's checkpoints and no timer. Explains the pipeline's figure.
   */
  readonly rulesModelPer1000: number;
}

/**
 * Replays the checkpoints the pipeline accepted, in the order it accepted them, into a
 * baseline table with one conditional upsert each, and compares the rows written.
 * Keys are dealt to connections by key, so each key's checkpoints stay in order.
 */
export async function compareDbWrites(
  db: Pool,
  accepted: readonly Accepted[],
  pipelineRows: number,
  accountPrefix: string,
): Promise<DbWrites> {
  await createBaselineTable(db);
  const lanes = new Map<string, Accepted[]>();
  for (const a of accepted) {
    const lane = lanes.get(a.cp.keyId);
    if (lane) lane.push(a);
    else lanes.set(a.cp.keyId, [a]);
  }
  let baselineRows = 0;
  const started = performance.now();
  await eachLimited([...lanes.values()], 16, async (list) => {
    for (const { cp, eventTime } of list) {
      const changed = await upsertBaselineCheckpoint(db, {
        ...cp.key,
        positionSeconds: cp.positionSeconds,
        durationSeconds: cp.durationSeconds,
        deviceId: cp.deviceId,
        event: cp.event,
        eventTime,
      });
      if (changed) baselineRows += 1;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  await deleteBaselineRows(db, accountPrefix);

  const n = accepted.length;
  const per1000 = (rows: number) => round((rows * 1000) / Math.max(1, n), 0);
  return {
    checkpoints: n,
    pipelineRows,
    pipelinePer1000: per1000(pipelineRows),
    baselineRows,
    baselinePer1000: per1000(baselineRows),
    baselineStatementsPerSecond: round(n / seconds, 0),
    ratio: round(pipelineRows / Math.max(1, baselineRows), 3),
    rulesModelPer1000: per1000(rulesModelWrites(lanes)),
  };
}

/** Writes decideWrite asks for at once, plus one final write per key left waiting. */
function rulesModelWrites(lanes: Map<string, Accepted[]>): number {
  let writes = 0;
  for (const list of lanes.values()) {
    let state: ResumeState | null = null;
    let lastWrite: LastWrite | null = null;
    let waiting = false;
    for (const { cp, eventTime } of list) {
      const applied = applyCheckpoint(state, { ...cp.key, ...cp, eventTime }, BENCH_RULES);
      const decision = decideWrite(state, applied, cp.event, lastWrite, BENCH_RULES);
      if (decision !== 'skip') state = applied.state;
      if (decision === 'now') {
        writes += 1;
        lastWrite = { positionSeconds: applied.state.positionSeconds, at: eventTime };
        waiting = false;
      } else if (decision === 'wait') waiting = true;
    }
    if (waiting) writes += 1;
  }
  return writes;
}
