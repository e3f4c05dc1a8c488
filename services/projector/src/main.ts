import { runService } from '@playhead/http';
import { createLogger } from '@playhead/logger';
import { loadProjectorConfig } from './config.js';
import { startProjector } from './service.js';

const logger = createLogger('projector');
await runService(logger, async () => startProjector(loadProjectorConfig(), logger));
