import type { ResumeState } from '@playhead/domain';

/** Left-aligned columns, two spaces apart. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '-';
}

/** A state in one line: position, completion, a held rewind, and as of when. */
export function describeState(state: ResumeState | null): string {
  if (state === null) return 'absent';
  const parts = [`${state.positionSeconds}s`];
  if (state.completed) parts.push('completed');
  if (state.held) parts.push(`held ${state.held.positionSeconds}s`);
  parts.push(`at ${isoTime(state.updatedAt)}`);
  return parts.join(' ');
}

/** JSON with bigints as strings. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
