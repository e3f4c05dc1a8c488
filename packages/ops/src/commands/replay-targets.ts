import { keyString, type ResumeKey, type ResumeRules, type ResumeState } from '@playhead/domain';
import {
  readEntry,
  selectResumeStates,
  upsertResumeStates,
  writeEntry,
  type Pool,
  type Redis,
} from '@playhead/store';

/** What a store holds for a key: its state and when the viewer hid it, if they did. */
export interface Current {
  readonly state: ResumeState;
  readonly hiddenAt: number | null;
  /** Read from another store because this one lacks the key: write it even if unchanged. */
  readonly missing?: boolean;
}

export interface TargetEntry extends Current {
  readonly key: ResumeKey;
}

/** A store a replay rebuilds: read the current states, write conditionally. */
export interface ReplayTarget {
  readonly name: 'postgres' | 'redis';
  load(keys: ResumeKey[]): Promise<Map<string, Current>>;
  /** Conditional writes; per entry, whether the store took it (false: it held newer). */
  write(entries: TargetEntry[]): Promise<boolean[]>;
}

const UPSERT_BATCH = 1000;

/** PostgreSQL through the checkpointer's own statements. */
export function postgresTarget(db: Pool): ReplayTarget {
  return {
    name: 'postgres',
    async load(keys) {
      const found = new Map<string, Current>();
      for (const entry of await selectResumeStates(db, keys)) {
        found.set(keyString(entry.key), { state: entry.state, hiddenAt: entry.hiddenAt });
      }
      return found;
    },
    async write(entries) {
      const changed = new Set<string>();
      for (let i = 0; i < entries.length; i += UPSERT_BATCH) {
        const batch = entries.slice(i, i + UPSERT_BATCH);
        for (const key of await upsertResumeStates(db, batch)) changed.add(keyString(key));
      }
      return entries.map((e) => changed.has(keyString(e.key)));
    },
  };
}

/**
 * Redis through the projector's own script. A key missing from Redis starts from its
 * PostgreSQL row, as in the projector, so a held rewind or a completion is not forgotten.
 */
export function redisTarget(
  redis: Redis,
  db: Pool,
  prefix: string,
  rules: ResumeRules,
): ReplayTarget {
  return {
    name: 'redis',
    async load(keys) {
      const found = new Map<string, Current>();
      const cached = await Promise.all(keys.map((key) => readEntry(redis, prefix, key)));
      const misses: ResumeKey[] = [];
      cached.forEach((entry, i) => {
        if (entry) found.set(keyString(keys[i]!), entry);
        else misses.push(keys[i]!);
      });
      for (const entry of await selectResumeStates(db, misses)) {
        const { state, hiddenAt } = entry;
        found.set(keyString(entry.key), { state, hiddenAt, missing: true });
      }
      return found;
    },
    write: (entries) =>
      Promise.all(entries.map((entry) => writeEntry(redis, prefix, entry, rules))),
  };
}
