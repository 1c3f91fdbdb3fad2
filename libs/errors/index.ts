export { HeraldError, ValidationError, ConfigError, DecodeError, isRetriable } from './herald-error.js';
