import { list, type Reader } from '@herald/config';
import { AllowList } from './allow-list.js';

/** Config reader: host names, addresses and CIDR ranges the SSRF guard lets through, checked at start-up. */
export function allowListReader(): Reader<string[]> {
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
