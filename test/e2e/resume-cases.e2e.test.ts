import { expect } from 'chai';
import {
  createPool,
  createRedis,
  readEntry,
  selectResumeState,
  type Pool,
  type Redis,
} from '@playhead/store';
import { asList, loadCases, storyRequests, type ResumeCase } from '../support/cases.js';
import {
  drain,
  eventually,
  freshId,
  getJson,
  postJson,
  startPipeline,
  type Pipeline,
  tokenFor,
  withAuth,
} from '../support/pipeline.js';

describe('resume stories through the HTTP APIs', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  let db: Pool;
  let redis: Redis;

  before(async () => {
    pipeline = await startPipeline(withAuth());
    db = createPool(pipeline.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/playhead');
    redis = createRedis(pipeline.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableOfflineQueue: true,
    });
  });

  after(async () => {
    await pipeline?.stop();
    await db?.end();
    redis?.disconnect();
  });

  for (const story of loadCases()) {
    it(story.name, async () => {
      const account = freshId('acct');
      const token = await tokenFor(pipeline.env, account);
      await tell(story, account, token);

      const ingestedKeys = new Set<string>();
      for (const upload of storyRequests(story, account)) {
        for (const item of upload.items)
          if (!item.rejected) ingestedKeys.add(`${item.body.profile_id}#${item.body.video_id}`);
      }

      for (const want of asList(story.expect.resume)) {
        await eventually(async () => {
          const { status, body } = await getJson(
            `${pipeline.resume.url}/playback/resume?account_id=${account}&profile_id=${want.profile}&video_id=${want.video}`,
            token,
          );
          expect(status, JSON.stringify(body)).to.equal(200);
          if (want.resume_position_seconds !== undefined) {
            expect(body.resume_position_seconds).to.equal(want.resume_position_seconds);
          }
          if (want.completed !== undefined) expect(body.completed).to.equal(want.completed);
          if (want.prompt !== undefined) expect(body.prompt).to.equal(want.prompt);
        });
      }

      await drain(pipeline);

      for (const want of asList(story.expect.continue_watching)) {
        const { status, body } = await getJson(
          `${pipeline.resume.url}/playback/continue-watching?account_id=${account}&profile_id=${want.profile}`,
          token,
        );
        expect(status).to.equal(200);
        expect(body.items.map((i: { video_id: string }) => i.video_id)).to.deep.equal(want.videos);
      }

      // After the pipeline drains, PostgreSQL and Redis hold the same state for every key.
      for (const pair of ingestedKeys) {
        const [profileId, videoId] = pair.split('#') as [string, string];
        const key = { accountId: account, profileId, videoId };
        const stored = await selectResumeState(db, key);
        const cached = await readEntry(redis, pipeline.env.REDIS_PREFIX!, key);
        expect(stored, `PostgreSQL row for ${pair}`).to.not.equal(null);
        expect(cached, `Redis entry for ${pair}`).to.not.equal(null);
        expect(cached!.state).to.deep.equal(stored!.state);
      }
    });
  }

  /** Sends a story's uploads in order; refused checkpoints must get a 4xx with an error. */
  async function tell(story: ResumeCase, account: string, token: string): Promise<void> {
    for (const upload of storyRequests(story, account)) {
      if (upload.items.length === 1) {
        const [item] = upload.items;
        const res = await postJson(`${pipeline.ingest.url}/playback/update`, item!.body, token);
        if (item!.rejected) {
          expect(res.status).to.be.within(400, 499);
          expect(res.body.error.code).to.be.a('string');
        } else {
          expect(res.status, JSON.stringify(res.body)).to.equal(202);
        }
        continue;
      }
      const res = await postJson(
        `${pipeline.ingest.url}/playback/batch`,
        {
          sent_at: upload.sentAt,
          checkpoints: upload.items.map((i) => i.body),
        },
        token,
      );
      const refused = upload.items.flatMap((item, index) => (item.rejected ? [index] : []));
      if (refused.length === upload.items.length) {
        expect(res.status).to.equal(400);
      } else {
        expect(res.status, JSON.stringify(res.body)).to.equal(202);
        expect(res.body.rejected.map((r: { index: number }) => r.index)).to.deep.equal(refused);
      }
    }
  }
});
