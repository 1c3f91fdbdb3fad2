#!/usr/bin/env node
// `herald <command>` (npx herald emit ..., npx herald topics ...): Herald's command line. Re-runs node
// with tsx on the command's TypeScript entry, since the code has no build step in development.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Resolved from this file, so it works whatever the current directory is.
const tsx = import.meta.resolve('tsx');
const args = process.argv.slice(2);
// `topics` is the Kafka admin command (libs/kafka); everything else, help included, is the
// registry-side CLI (libs/producer), whose usage lists both.
const [entry, rest] =
  args[0] === 'topics'
    ? [join(root, 'libs', 'kafka', 'cli', 'topics.ts'), args.slice(1)]
    : [join(root, 'libs', 'producer', 'cli', 'main.ts'), args];
const r = spawnSync(process.execPath, ['--import', tsx, entry, ...rest], { stdio: 'inherit' });
if (r.error) {
  console.error(`herald: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
