export * from './checkpoint-schema.js';
export * from './codec.js';
export * from './kafka.js';
export * from './topics.js';
export * from './decode-message.js';
export * from './event-contract.js';
export * from './dead-letters.js';
export * from './retry.js';
