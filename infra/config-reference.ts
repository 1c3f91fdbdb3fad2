// Generates README.md's configuration reference from every service's config shape and its
// .env.example (defaults and the comments above each variable), so the documentation cannot drift:
// `node --import tsx infra/config-reference.ts --write` rewrites the block; a test checks it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TRACING_ENV } from '@herald/observability';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const START = '<!-- config-reference:start -->';
export const END = '<!-- config-reference:end -->';

export interface EnvEntry {
  name: string;
  value: string;
  doc: string;
}

/** The variables of an .env.example, in order, with the comment lines right above each. */
export function parseEnvExample(text: string): EnvEntry[] {
  const out: EnvEntry[] = [];
  let comments: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') {
      comments = [];
    } else if (t.startsWith('#')) {
      comments.push(t.replace(/^#\s?/, ''));
    } else {
      const eq = t.indexOf('=');
      out.push({ name: t.slice(0, eq), value: t.slice(eq + 1), doc: comments.join(' ') });
      comments = [];
    }
  }
  return out;
}

export function serviceNames(): string[] {
  return readdirSync(join(ROOT, 'services'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** The keys of a service's config shape (the export of src/config.ts whose name ends in `Shape`). */
export async function shapeKeys(service: string): Promise<string[]> {
  const mod = (await import(pathToFileURL(join(ROOT, 'services', service, 'src', 'config.ts')).href)) as Record<string, unknown>;
  const shapes = Object.entries(mod).filter(([k]) => k.endsWith('Shape'));
  if (shapes.length !== 1) throw new Error(`services/${service}/src/config.ts must export exactly one *Shape, found ${shapes.map(([k]) => k).join(', ') || 'none'}`);
  return Object.keys(shapes[0]![1] as object);
}

/**
 * Every variable a service reads: its config shape's, and the standard OTEL_* ones that
 * libs/observability's tracing reads itself (TRACING_ENV) when the service's main starts tracing.
 */
export async function envKeys(service: string): Promise<string[]> {
  const tracing = readFileSync(join(ROOT, 'services', service, 'src', 'main.ts'), 'utf8').includes('startTracing(');
  return [...(await shapeKeys(service)), ...(tracing ? TRACING_ENV : [])];
}

export function envExample(service: string): EnvEntry[] {
  return parseEnvExample(readFileSync(join(ROOT, 'services', service, '.env.example'), 'utf8'));
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The README block: one table per service. */
export function renderReference(): string {
  const parts = [START, ''];
  for (const s of serviceNames()) {
    parts.push(`#### ${s}`, '', '| variable | default | meaning |', '|---|---|---|');
    for (const e of envExample(s)) parts.push(`| \`${e.name}\` | ${e.value === '' ? '(unset)' : `\`${cell(e.value)}\``} | ${cell(e.doc)} |`);
    parts.push('');
  }
  parts.push(END);
  return parts.join('\n');
}

export function readmeBlock(readme: string): string | undefined {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a < 0 || b < 0 ? undefined : readme.slice(a, b + END.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const file = join(ROOT, 'README.md');
  const readme = readFileSync(file, 'utf8');
  const old = readmeBlock(readme);
  if (!old) throw new Error(`README.md has no ${START} … ${END} block`);
  writeFileSync(file, readme.replace(old, renderReference()));
  console.log('README.md configuration reference updated');
}
