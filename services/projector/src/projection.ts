import {
  applyCheckpoint,
  keyString,
  type Checkpoint,
  type ResumeKey,
  type ResumeRules,
} from '@playhead/domain';
import type { CachedEntry, StoredEntry } from '@playhead/store';

export interface ProjectionStore {
  /** Cached entries by key id; absent ids are misses. */
  readCache(keys: ResumeKey[]): Promise<Map<string, CachedEntry>>;
  /** Entries in PostgreSQL, for keys the cache does not hold. */
  readDatabase(keys: ResumeKey[]): Promise<StoredEntry[]>;
  /** Conditional write; false when the cache already held a state as new or newer. */
  writeCache(entry: {
    key: ResumeKey;
    state: CachedEntry['state'];
    hiddenAt: number | null;
  }): Promise<boolean>;
}

export interface ProjectionStats {
  applied: number;
  written: number;
  conflicts: number;
}

/**
 * Keeps Redis in step with every accepted checkpoint through the same rules as the
 * database. A key missing from Redis starts from its PostgreSQL row, so a flushed cache
 * never forgets a held rewind or a completion.
 */
export async function project(
  store: ProjectionStore,
  checkpoints: Checkpoint[],
  rules: ResumeRules,
  stats: ProjectionStats,
): Promise<void> {
  const byKey = new Map<string, { key: ResumeKey; items: Checkpoint[] }>();
  for (const cp of checkpoints) {
    const id = keyString(cp);
    let group = byKey.get(id);
    if (!group) {
      group = {
        key: { accountId: cp.accountId, profileId: cp.profileId, videoId: cp.videoId },
        items: [],
      };
      byKey.set(id, group);
    }
    group.items.push(cp);
  }

  let pending = [...byKey.values()];
  // A lost race with another writer (a resume read filling the cache) is retried on the
  // newer state; the rules make the outcome the same.
  for (let round = 0; round < 3 && pending.length > 0; round += 1) {
    const { current, fromDatabase } = await readCurrent(
      store,
      pending.map((g) => g.key),
    );
    const lost: typeof pending = [];
    await Promise.all(
      pending.map(async (group) => {
        const id = keyString(group.key);
        const start = current.get(id);
        let state = start?.state ?? null;
        let changed = false;
        for (const cp of group.items) {
          const applied = applyCheckpoint(state, cp, rules);
          if (applied.changed) {
            state = applied.state;
            changed = true;
            stats.applied += 1;
          }
        }
        // A key Redis did not hold is written even when its checkpoints were stale: the
        // checkpointer may have stored them in PostgreSQL first, and the cache must still
        // learn the state, or every read of the key misses until a read refills it.
        if (state === null || (!changed && !fromDatabase.has(id))) return;
        const stored = await store.writeCache({
          key: group.key,
          state,
          hiddenAt: start?.hiddenAt ?? null,
        });
        if (stored) stats.written += 1;
        else {
          stats.conflicts += 1;
          lost.push(group);
        }
      }),
    );
    pending = lost;
  }
}

async function readCurrent(
  store: ProjectionStore,
  keys: ResumeKey[],
): Promise<{ current: Map<string, CachedEntry>; fromDatabase: Set<string> }> {
  const current = await store.readCache(keys);
  const fromDatabase = new Set<string>();
  const misses = keys.filter((k) => !current.has(keyString(k)));
  if (misses.length > 0) {
    for (const entry of await store.readDatabase(misses)) {
      const id = keyString(entry.key);
      current.set(id, { state: entry.state, hiddenAt: entry.hiddenAt });
      fromDatabase.add(id);
    }
  }
  return { current, fromDatabase };
}
