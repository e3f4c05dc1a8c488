export * from './api-error.js';
export * from './error-handler.js';
export * from './metrics.js';
export * from './health.js';
export * from './server.js';
export * from './run-service.js';
export * from './openapi.js';
