import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One upload of a story: a single checkpoint request, or a batch when it holds several. */
export interface CaseUpload {
  device: string;
  profile?: string;
  video?: string;
  clock_offset?: number;
  checkpoints: Array<{
    at: number;
    position: number;
    event: string;
    profile?: string;
    video?: string;
    rejected?: boolean;
  }>;
}

export interface ResumeExpectation {
  profile: string;
  video: string;
  resume_position_seconds?: number;
  completed?: boolean;
  prompt?: string | null;
}

export interface ResumeCase {
  name: string;
  duration?: number;
  uploads: CaseUpload[];
  expect: {
    resume?: ResumeExpectation | ResumeExpectation[];
    continue_watching?:
      { profile: string; videos: string[] } | Array<{ profile: string; videos: string[] }>;
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared stories: `PLAYHEAD_SHARED_DIR`, or `shared/` beside the repository. */
export function loadCases(): ResumeCase[] {
  const dir = process.env.PLAYHEAD_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
  const file = path.join(dir, 'cases', 'resume-cases.json');
  if (!existsSync(file)) {
    throw new Error(
      `resume cases not found at ${file}; set PLAYHEAD_SHARED_DIR to the shared folder`,
    );
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: ResumeCase[] }).cases;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * The requests of a story, replayed in seconds: each checkpoint carries
 * client_ts = B + at + offset and sent_at = B + T_end + offset, so the server's skew
 * correction spaces the event times as the story did.
 */
export function storyRequests(story: ResumeCase, accountId: string, base = Date.UTC(2026, 0, 1)) {
  const tEnd = Math.max(...story.uploads.flatMap((u) => u.checkpoints.map((c) => c.at)));
  return story.uploads.map((upload) => {
    const offset = (upload.clock_offset ?? 0) * 1000;
    const sentAt = new Date(base + tEnd * 1000 + offset).toISOString();
    const items = upload.checkpoints.map((c) => ({
      body: {
        account_id: accountId,
        profile_id: c.profile ?? upload.profile ?? 'p1',
        video_id: c.video ?? upload.video ?? 'v1',
        device_id: upload.device,
        position_seconds: c.position,
        event: c.event,
        ...(story.duration !== undefined ? { duration_seconds: story.duration } : {}),
        client_ts: new Date(base + c.at * 1000 + offset).toISOString(),
        sent_at: sentAt,
      },
      rejected: c.rejected === true,
    }));
    return { sentAt, items };
  });
}
