#!/usr/bin/env node
// `herald <command>` (npx herald emit ...): the registry-side CLI. Re-runs node with tsx on the
// TypeScript entry in libs/producer, since the code has no build step in development.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Resolved from this file, so it works whatever the current directory is.
const tsx = import.meta.resolve('tsx');
const entry = join(root, 'libs', 'producer', 'cli', 'main.ts');
const r = spawnSync(process.execPath, ['--import', tsx, entry, ...process.argv.slice(2)], { stdio: 'inherit' });
if (r.error) {
  console.error(`herald: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
