export * from './pg/pool.js';
export * from './pg/resume-row.js';
export * from './pg/upsert-resume-states.js';
export * from './pg/select-resume-state.js';
export * from './pg/select-resume-states.js';
export * from './pg/select-profile-entries.js';
export * from './pg/hide-entry.js';
export * from './pg/delete-expired-entries.js';
export * from './pg/count-expired-entries.js';
export * from './pg/count-resume-states.js';
export * from './pg/select-resume-page.js';
export * from './redis/client.js';
export * from './redis/keys.js';
export * from './redis/write-entry.js';
export * from './redis/read-entry.js';
export * from './redis/read-continue-watching.js';
export * from './redis/hide-entry.js';

import type { Redis } from './redis/client.js';
import { defineHideEntry } from './redis/hide-entry.js';
import { defineWriteEntry } from './redis/write-entry.js';

/** Loads the scripts the store uses onto a client; call once per client. */
export function defineScripts(redis: Redis): void {
  defineWriteEntry(redis);
  defineHideEntry(redis);
}
