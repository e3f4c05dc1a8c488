import { InvalidArgumentError } from 'commander';

// Parsers for flag values. Each throws commander's InvalidArgumentError, which the CLI
// reports with the flag's name and exits 2.

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a whole number >= 0, e.g. 1200');
  }
  return Number(value);
}

export function parsePositiveInt(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

/** A Kafka offset, exact as a bigint: offsets can exceed 2^53. */
export function parseOffset(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an offset >= 0, e.g. 4711');
  return BigInt(value);
}

/** `0,3,5` as [0, 3, 5], sorted, no duplicates. */
export function parseIntList(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new InvalidArgumentError('expected a comma-separated list of numbers, e.g. 0,3');
  }
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

export function parseOffsetList(value: string): bigint[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new InvalidArgumentError('expected a comma-separated list of offsets, e.g. 3,5');
  }
  return [...new Set(parts)].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO-8601 time with a zone (or a bare date, taken as UTC midnight), as epoch ms. */
export function parseTime(value: string): number {
  const ms = ISO_WITH_ZONE.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'expected an ISO-8601 time with a zone, e.g. 2026-01-31T20:15:00Z',
    );
  }
  return ms;
}

export type StartPoint = { kind: 'start' } | { kind: 'end' } | { kind: 'time'; ms: number };

/** `start`, `end` or an ISO time. */
export function parseStartPoint(value: string): StartPoint {
  if (value === 'start' || value === 'beginning') return { kind: 'start' };
  if (value === 'end') return { kind: 'end' };
  try {
    return { kind: 'time', ms: parseTime(value) };
  } catch {
    throw new InvalidArgumentError(
      'expected start, end or an ISO-8601 time, e.g. 2026-01-31T20:15:00Z',
    );
  }
}
