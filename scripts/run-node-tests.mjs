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
 * Runs the files with node's test runner. Resolves to {tests, pass, fail, code}, counted from a TAP
 * copy of the report while the human-readable spec report goes to stdout.
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
      resolve({ tests: num('tests'), pass: num('pass'), fail: num('fail'), code: code ?? (signal ? 1 : 0) });
    });
  });
}
