#!/usr/bin/env node
// `npm run stack -- up|down|status|logs`: runs infra/stack.ts under tsx, from the caller's directory.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Resolved from this file, so it works whatever the current directory is.
const tsx = import.meta.resolve('tsx');
const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'infra', 'stack.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (r.error) throw r.error;
process.exit(r.status ?? 1);
