// CLI for the local stack: `node scripts/stack.mjs up|down [--clean]|status|logs [service]`.
import { SERVICE_NAMES, type ServiceName } from './config.js';
import { stopStack } from './down.js';
import { logTails } from './logs.js';
import { StackError } from './stack-error.js';
import { stackStatus } from './status.js';
import { ensureStack } from './up.js';

const USAGE = `usage: stack up | down [--clean] | status | logs [${SERVICE_NAMES.join('|')}]`;

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'up':
      await ensureStack();
      return 0;
    case 'down':
      await stopStack({ clean: rest.includes('--clean') });
      return 0;
    case 'status': {
      const all = await stackStatus();
      for (const s of all) {
        const ours = s.pid === undefined ? '' : `  pid ${s.pid}  rss ${s.rssMb ?? '?'} MB`;
        console.log(`${s.name.padEnd(9)} ${(s.up ? 'up' : 'down').padEnd(5)} ${s.address}${ours}`);
      }
      return all.every((s) => s.up) ? 0 : 3;
    }
    case 'logs': {
      const which = rest[0];
      if (which !== undefined && !SERVICE_NAMES.includes(which as ServiceName)) throw new StackError(USAGE, 2);
      console.log(await logTails(which === undefined ? SERVICE_NAMES : [which as ServiceName]));
      return 0;
    }
    default:
      throw new StackError(USAGE, 2);
  }
}

try {
  // Exit explicitly: a client still retrying a dead server must not keep the CLI alive.
  process.exit(await main(process.argv.slice(2)));
} catch (err) {
  console.error(err instanceof StackError ? err.message : err);
  process.exit(err instanceof StackError ? err.exitCode : 1);
}
