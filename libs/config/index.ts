export { parseConfig, str, optionalStr, int, optionalInt, intList, bool, oneOf, list, url } from './config.js';
export type { Reader, ConfigOf } from './config.js';
export { commonShape, opsShape } from './common.js';
export { stackAddresses, stackShape, localStackAddress, STACK_PORT_DEFAULTS } from './stack-addresses.js';
export type { StackAddresses, StackPortName } from './stack-addresses.js';
export { kafkaSecurityShape, registrySecurityShape, kafkaConnection, registryConnection, SASL_MECHANISMS } from './connection.js';
export type { KafkaConnection, RegistryConnection, SaslMechanism } from './connection.js';
