export { parseConfig, str, optionalStr, int, optionalInt, intList, bool, oneOf, list, url } from './config.js';
export type { Reader, ConfigOf } from './config.js';
export { commonShape, opsShape } from './common.js';
