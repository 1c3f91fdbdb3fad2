import { createRequire } from 'node:module';
import { list, type Reader } from '@herald/config';
import { AllowList } from '@herald/http-guard';

/** This package's version, for the User-Agent. */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Host names, addresses and CIDR ranges the SSRF guard lets through (checked at startup). */
export function allowList(): Reader<string[]> {
  const read = list([]);
  return (env, name, problems) => {
    const entries = read(env, name, problems);
    try {
      new AllowList(entries);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
    return entries;
  };
}
