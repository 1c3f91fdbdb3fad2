// Dev/test only: the local Kafka + schema registry + FerretDB stack, for the test runner and `npm start`.
export { ensureStack } from './up.js';
export type { EnsureOptions, StackInfo } from './up.js';
export { stopStack } from './down.js';
export type { StopOptions } from './down.js';
export { stackStatus } from './status.js';
export type { ServiceStatus } from './status.js';
export { StackError } from './stack-error.js';
