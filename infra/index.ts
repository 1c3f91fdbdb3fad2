// Dev/test only: the local Kafka + schema registry + FerretDB stack, for the test runner and `npm start`.
export { ensureStack } from './up.js';
export type { EnsureOptions, StackInfo } from './up.js';
export { stopStack } from './down.js';
export type { StopOptions } from './down.js';
export { stackStatus, kafkaBootstrap } from './status.js';
export type { ServiceStatus, StatusOptions } from './status.js';
export { kafkaBrokerPid, kafkaBrokerPids, stopKafkaBroker, startKafkaBroker } from './kafka-control.js';
export { kafkaJvm } from './kafka-jvm.js';
export type { KafkaJvm } from './kafka-jvm.js';
export type { BrokerControlOptions, StopBrokerOptions } from './kafka-control.js';
export { stackServerPid, stopStackServer, startStackServer } from './server-control.js';
export type { StackServerName } from './server-control.js';
export { DEFAULT_KAFKA_VERSION, KAFKA_3_VERSION } from './config.js';
export { StackError } from './stack-error.js';
// The demo's pieces, reused by the end-to-end test.
export { startInbox } from './demo/inbox.js';
export type { Inbox, Received } from './demo/inbox.js';
export { startMailCatcher } from './demo/mail-catcher.js';
export { seedDemo, demoToken } from './demo/seed.js';
export { confirmByLink } from './demo/confirm-link.js';
export { startServices, startOneService, SERVICES } from './demo/services.js';
export type { ServiceName, DemoEndpoints } from './demo/services.js';
export { envExample, envKeys, readmeBlock, renderReference, serviceNames, shapeKeys, ROOT as REPO_ROOT } from './config-reference.js';
