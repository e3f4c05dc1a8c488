import { createLogger } from '@playhead/logger';
import { loadCheckpointerConfig } from '../../services/checkpointer/src/config.js';
import { startCheckpointer } from '../../services/checkpointer/src/service.js';
import { loadIngestConfig } from '../../services/ingest-api/src/config.js';
import { startIngest } from '../../services/ingest-api/src/service.js';
import { loadProjectorConfig } from '../../services/projector/src/config.js';
import { startProjector } from '../../services/projector/src/service.js';
import { loadResumeConfig } from '../../services/resume-api/src/config.js';
import { startResume } from '../../services/resume-api/src/service.js';

const logger = createLogger('test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** One service at a time in the test process, for tests that run the others elsewhere. */
export const inProcess = {
  ingest: (env: Record<string, string>) =>
    startIngest(loadIngestConfig(env), logger.child({ service: 'ingest-api' })),
  checkpointer: (env: Record<string, string>) =>
    startCheckpointer(loadCheckpointerConfig(env), logger.child({ service: 'checkpointer' })),
  projector: (env: Record<string, string>) =>
    startProjector(loadProjectorConfig(env), logger.child({ service: 'projector' })),
  resume: (env: Record<string, string>) =>
    startResume(loadResumeConfig(env), logger.child({ service: 'resume-api' })),
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
