// Runs node:test over TypeScript test files (through tsx) and reports how many tests ran.
// Node 20 does not expand globs for `node --test`, so files are found here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', '.nx', '.git', 'test-results']);

/** Every `*.test.ts` under `dir`, sorted; folders in `exclude` (absolute paths) are left out. */
export function findTests(dir, exclude = []) {
  const out = [];
  const skipped = new Set(exclude);
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      if (SKIP.has(name)) continue;
      const p = join(d, name);
      if (skipped.has(p)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The failed tests of a TAP report: name, file (from the reported location) and the first lines of
 * the error, so a summary at the end of a long log says what failed and why.
 */
export function tapFailures(text) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i]);
    if (!m) continue;
    const indent = m[1].length + 2;
    const block = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (l.trim() === '...' && l.length - l.trimStart().length === indent) break;
      if (l.trim() !== '---') block.push(l.slice(indent));
    }
    const location = /^location: '(.*):\d+:\d+'$/m.exec(block.join('\n'))?.[1];
    const errAt = block.findIndex((l) => l.startsWith('error:'));
    const stackAt = block.findIndex((l) => l.startsWith('stack:'));
    const error = errAt < 0 ? '' : block.slice(errAt, Math.min(errAt + 14, stackAt < errAt ? Infinity : stackAt)).filter((l) => !/^(code|name):/.test(l)).join('\n');
    out.push({ name: m[2], file: location ?? '', error });
  }
  return out;
}

/**
 * Runs the files with node's test runner. Resolves to {tests, pass, fail, code, failures}, counted
 * from a TAP copy of the report while the human-readable spec report goes to stdout.
 */
export function runNodeTests(files, { cwd, concurrency = 1, timeoutMs = 600_000, env = process.env } = {}) {
  const tap = join(mkdtempSync(join(tmpdir(), 'herald-test-')), 'report.tap');
  const args = [
    '--import', 'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeoutMs}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files.map((f) => relative(cwd, f)),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: 'inherit', env });
    child.on('exit', (code, signal) => {
      let text = '';
      try { text = readFileSync(tap, 'utf8'); } catch { /* no report: counted as zero */ }
      const num = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      resolve({ tests: num('tests'), pass: num('pass'), fail: num('fail'), code: code ?? (signal ? 1 : 0), failures: tapFailures(text) });
    });
  });
}
