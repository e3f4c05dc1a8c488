import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import {
  applyCheckpoint,
  isListed,
  keyString,
  resumePosition,
  resumePrompt,
  validateCheckpoint,
  type PlaybackEvent,
  type ResumeKey,
  type ResumeState,
} from '../src/index.js';

/**
 * The trouble stories of shared/cases, replayed through the pure functions alone: each
 * checkpoint is posted as a player would, validated, timed and applied, as the services do.
 */

interface CaseCheckpoint {
  readonly at: number;
  readonly position: number;
  readonly event: PlaybackEvent;
  readonly profile?: string;
  readonly video?: string;
  readonly device?: string;
  readonly clock_offset?: number;
  readonly rejected?: boolean;
}

interface CaseUpload {
  readonly device: string;
  readonly profile?: string;
  readonly video?: string;
  readonly clock_offset?: number;
  readonly checkpoints: readonly CaseCheckpoint[];
}

interface ResumeExpectation {
  readonly profile: string;
  readonly video: string;
  readonly resume_position_seconds: number;
  readonly completed?: boolean;
  readonly prompt?: string | null;
}

interface ListExpectation {
  readonly profile: string;
  readonly videos: readonly string[];
}

interface ResumeCase {
  readonly name: string;
  readonly duration?: number;
  readonly uploads: readonly CaseUpload[];
  readonly expect: {
    readonly resume?: ResumeExpectation | readonly ResumeExpectation[];
    readonly continue_watching?: ListExpectation | readonly ListExpectation[];
  };
}

interface CaseFile {
  readonly account_id: string;
  readonly cases: readonly ResumeCase[];
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sharedDir = process.env.PLAYHEAD_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
const casesPath = path.join(sharedDir, 'cases', 'resume-cases.json');
const caseFile = JSON.parse(readFileSync(casesPath, 'utf8')) as CaseFile;

/** Any base time works; the device clocks and the server clock are hours apart on purpose. */
const DEVICE_BASE = Date.UTC(2026, 0, 31, 12, 0, 0);
const SERVER_START = Date.UTC(2026, 0, 31, 20, 0, 0);
/** How long each upload takes to reach the server after the one before. */
const UPLOAD_GAP_MS = 7;

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

interface Replayed {
  readonly states: Map<string, { key: ResumeKey; state: ResumeState }>;
}

function replayCase(story: ResumeCase, accountId: string): Replayed {
  const states = new Map<string, { key: ResumeKey; state: ResumeState }>();
  const tEnd = Math.max(...story.uploads.flatMap((u) => u.checkpoints.map((c) => c.at)));
  let now = SERVER_START;

  for (const [u, upload] of story.uploads.entries()) {
    now += UPLOAD_GAP_MS;
    const isBatch = upload.checkpoints.length > 1;

    for (const [i, item] of upload.checkpoints.entries()) {
      const offsetMs = (item.clock_offset ?? upload.clock_offset ?? 0) * 1000;
      const sentAt = DEVICE_BASE + tEnd * 1000 + offsetMs;
      const posted = {
        account_id: accountId,
        profile_id: item.profile ?? upload.profile ?? 'p1',
        video_id: item.video ?? upload.video ?? 'v1',
        device_id: item.device ?? upload.device,
        position_seconds: item.position,
        duration_seconds: story.duration,
        event: item.event,
        client_ts: new Date(DEVICE_BASE + item.at * 1000 + offsetMs).toISOString(),
        // A batch carries one sent_at for all its items; a single checkpoint its own.
        sent_at: isBatch ? undefined : new Date(sentAt).toISOString(),
      };
      const result = validateCheckpoint(posted, now, {
        prefix: isBatch ? `checkpoints[${i}].` : '',
        batchSentAt: isBatch ? sentAt : null,
      });
      const where = `upload ${u}, checkpoint ${i}`;

      if (item.rejected === true) {
        expect(result.ok, `${where} must be refused`).to.equal(false);
        continue;
      }
      if (!result.ok) expect.fail(`${where} was refused: ${JSON.stringify(result.error)}`);

      const cp = result.value.checkpoint;
      expect(cp.eventTime, `${where} event time`).to.equal(now - (tEnd - item.at) * 1000);

      const id = keyString(cp);
      const prev = states.get(id)?.state ?? null;
      states.set(id, { key: cp, state: applyCheckpoint(prev, cp).state });
    }
  }
  return { states };
}

function continueWatching(replayed: Replayed, accountId: string, profileId: string): string[] {
  return [...replayed.states.values()]
    .filter(({ key }) => key.accountId === accountId && key.profileId === profileId)
    .filter(({ state }) => isListed(state, null))
    .sort((a, b) => b.state.updatedAt - a.state.updatedAt)
    .map(({ key }) => key.videoId);
}

describe(`resume cases (${path.relative(repoRoot, casesPath)})`, () => {
  it('finds stories to replay', () => {
    expect(caseFile.cases).to.be.an('array').that.is.not.empty;
  });

  for (const [n, story] of caseFile.cases.entries()) {
    it(story.name, () => {
      const accountId = `${caseFile.account_id}-${n}`;
      const replayed = replayCase(story, accountId);

      for (const want of asList(story.expect.resume)) {
        const key = { accountId, profileId: want.profile, videoId: want.video };
        const found = replayed.states.get(keyString(key));
        if (found === undefined) expect.fail(`no state for ${keyString(key)} (a 404)`);

        const label = `${want.profile}/${want.video}`;
        expect(resumePosition(found.state), `${label} resume position`).to.equal(
          want.resume_position_seconds,
        );
        if (want.completed !== undefined) {
          expect(found.state.completed, `${label} completed`).to.equal(want.completed);
        }
        if (want.prompt !== undefined) {
          expect(resumePrompt(found.state), `${label} prompt`).to.equal(want.prompt);
        }
      }

      for (const want of asList(story.expect.continue_watching)) {
        expect(
          continueWatching(replayed, accountId, want.profile),
          `continue watching of ${want.profile}`,
        ).to.deep.equal(want.videos);
      }
    });
  }
});
