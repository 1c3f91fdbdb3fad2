// `npm start`: installs Node dependencies when missing, then runs the whole system (infra/demo/start.ts).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDeps(root);
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'infra', 'demo', 'start.ts')], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group; only relay SIGTERM.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
