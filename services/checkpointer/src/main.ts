import { runService } from '@playhead/http';
import { createLogger } from '@playhead/logger';
import { loadCheckpointerConfig } from './config.js';
import { startCheckpointer } from './service.js';

const logger = createLogger('checkpointer');
await runService(logger, async () => startCheckpointer(loadCheckpointerConfig(), logger));
