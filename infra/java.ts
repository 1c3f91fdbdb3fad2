import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { capture } from './exec.js';
import { StackError } from './stack-error.js';

/** Major version from `java -version` ("17.0.15", or "1.8.0_392" for Java 8). */
function major(out: string | undefined): number | undefined {
  const m = out?.match(/version "(?:1\.)?(\d+)/);
  return m ? Number(m[1]) : undefined;
}

/** JAVA_HOME first, then `java` on PATH, then JDKs installed side by side under /usr/lib/jvm. */
async function candidates(): Promise<string[]> {
  const home = process.env['JAVA_HOME'];
  const jvms = await readdir('/usr/lib/jvm').catch(() => [] as string[]);
  const installed = jvms.filter((d) => !d.startsWith('.')).sort().map((d) => join('/usr/lib/jvm', d, 'bin', 'java'));
  return [...new Set([...(home ? [join(home, 'bin', 'java')] : []), 'java', ...installed])];
}

let versions: Promise<Map<string, number>> | undefined;

async function probeAll(): Promise<Map<string, number>> {
  const list = await candidates();
  const majors = await Promise.all(list.map(async (java) => major(await capture(java, ['-version']))));
  const found = new Map<string, number>();
  list.forEach((java, i) => {
    const v = majors[i];
    if (v !== undefined) found.set(java, v);
  });
  return found;
}

/**
 * The first Java of at least `min`. Needed because Apicurio Registry 3.3 is built for Java 21 while
 * the machines' default `java` is 17; a newer JDK often sits beside it under /usr/lib/jvm.
 */
export async function findJava(min: number): Promise<string | undefined> {
  versions ??= probeAll();
  for (const [java, v] of await versions) if (v >= min) return java;
  return undefined;
}

/** Highest major version seen, for the error message. */
export async function newestJava(): Promise<number | undefined> {
  versions ??= probeAll();
  const all = [...(await versions).values()];
  return all.length > 0 ? Math.max(...all) : undefined;
}

export async function requireJava(min: number): Promise<string> {
  const java = await findJava(min);
  if (!java) throw new StackError(`no Java ${min}+ found (JAVA_HOME, PATH, /usr/lib/jvm)`);
  return java;
}
