import { runService } from '@playhead/http';
import { createLogger } from '@playhead/logger';
import { loadResumeConfig } from './config.js';
import { startResume } from './service.js';

const logger = createLogger('resume-api');
await runService(logger, async () => startResume(loadResumeConfig(), logger));
