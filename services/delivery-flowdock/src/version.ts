import { createRequire } from 'node:module';

/** This service's version, for the User-Agent. */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
