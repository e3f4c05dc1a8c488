import { createLogger } from '@playhead/logger';
import { runService } from '@playhead/http';
import { loadIngestConfig } from './config.js';
import { startIngest } from './service.js';

const logger = createLogger('ingest-api');
await runService(logger, async () => startIngest(loadIngestConfig(), logger));
