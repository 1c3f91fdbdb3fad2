import { capture } from './exec.js';
import { findJava, newestJava } from './java.js';
import { StackError } from './stack-error.js';

export type Tool = 'java17' | 'java21' | 'mvn' | 'go';

const MIN_GO = [1, 24] as const; // FerretDB v1.24's go.mod

async function problem(tool: Tool): Promise<string | undefined> {
  if (tool === 'mvn') {
    return (await capture('mvn', ['-v'])) === undefined ? 'Apache Maven (`mvn`)' : undefined;
  }
  if (tool === 'java17' || tool === 'java21') {
    const min = tool === 'java17' ? 17 : 21;
    if (await findJava(min)) return undefined;
    const newest = await newestJava();
    const why = min === 21 ? ' for Apicurio Registry, via JAVA_HOME, PATH or /usr/lib/jvm' : '';
    return `Java ${min}+${why} (found ${newest === undefined ? 'no Java' : `Java ${newest}`})`;
  }
  const out = await capture('go', ['version']);
  const m = out?.match(/go(\d+)\.(\d+)/);
  const want = `Go ${MIN_GO.join('.')}+ (\`go\`, https://go.dev/dl`;
  if (!m) return `${want})`;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const old = major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1]);
  return old ? `${want}; found go${major}.${minor})` : undefined;
}

const checked = new Map<Tool, Promise<string | undefined>>();

/** Fails with one message listing every missing tool, so a fresh machine needs one round of installs. */
export async function checkPrerequisites(tools: Iterable<Tool>): Promise<void> {
  const once = (t: Tool): Promise<string | undefined> => checked.get(t) ?? checked.set(t, problem(t)).get(t)!;
  const missing = (await Promise.all([...new Set(tools)].map(once))).filter((p) => p !== undefined);
  if (missing.length === 0) return;
  throw new StackError(`The local stack needs ${missing.join(', ')}. Install ${missing.length > 1 ? 'them' : 'it'} and re-run.`);
}
