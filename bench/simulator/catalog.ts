import type { Random } from './random.js';

export interface Video {
  readonly id: string;
  readonly durationSeconds: number;
}

/**
 * A catalogue shaped like a streaming service's: some clips under five minutes (never
 * resumed, rule 6), mostly episodes, and films.
 */
export function makeCatalog(random: Random, size: number): Video[] {
  const videos: Video[] = [];
  for (let i = 0; i < size; i += 1) {
    const kind = random.next();
    const durationSeconds =
      kind < 0.1
        ? random.int(60, 290)
        : kind < 0.6
          ? random.int(1_300, 3_600)
          : random.int(5_400, 9_000);
    videos.push({ id: `v${String(i).padStart(6, '0')}`, durationSeconds });
  }
  return videos;
}
