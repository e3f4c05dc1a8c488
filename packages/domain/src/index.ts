export * from './types.js';
export * from './rules.js';
export * from './apply-checkpoint.js';
export * from './resume-view.js';
export * from './event-time.js';
export * from './write-decision.js';
export * from './validation.js';
export * from './resume-key.js';
