// CLI for the local stack: `node scripts/stack.mjs up [service…] [--brokers N] | down [--clean] | status | logs [service]`.
import { loadConfig, SERVICE_NAMES, type ServiceName } from './config.js';
import { stopStack } from './down.js';
import { kafkaBootstrapServers } from './kafka-files.js';
import { logTails } from './logs.js';
import { StackError } from './stack-error.js';
import { stackStatus } from './status.js';
import { ensureStack } from './up.js';

const USAGE = `usage: stack up [${SERVICE_NAMES.join('|')}…] [--brokers N] | down [${SERVICE_NAMES.join('|')}…] [--clean] | status | logs [${SERVICE_NAMES.join('|')}|kafka-<i>]
  --brokers N   Kafka brokers (default 1, or what this data dir last ran); 3 = a KRaft cluster on KAFKA_PORT…+2`;

/** Splits `--brokers N` / `--brokers=N` and `--clean` from the positional arguments. */
function parse(rest: string[]): { brokers?: number; clean: boolean; positional: string[] } {
  let brokers: number | undefined;
  let clean = false;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--clean') clean = true;
    else if (a === '--brokers' || a.startsWith('--brokers=')) {
      const raw = a === '--brokers' ? rest[++i] : a.slice('--brokers='.length);
      brokers = Number(raw);
      if (!Number.isInteger(brokers)) throw new StackError(`--brokers ${raw ?? ''}: expected a number\n${USAGE}`, 2);
    } else if (a.startsWith('-')) throw new StackError(`unknown option ${a}\n${USAGE}`, 2);
    else positional.push(a);
  }
  return { brokers, clean, positional };
}

function kinds(names: string[]): ServiceName[] | undefined {
  for (const n of names) if (!SERVICE_NAMES.includes(n as ServiceName)) throw new StackError(`unknown service ${n}\n${USAGE}`, 2);
  return names.length > 0 ? (names as ServiceName[]) : undefined;
}

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  const { brokers, clean, positional } = parse(rest);
  switch (cmd) {
    case 'up':
      await ensureStack({ brokers, services: kinds(positional) });
      return 0;
    case 'down':
      await stopStack({ clean, brokers, services: kinds(positional) });
      return 0;
    case 'status': {
      const all = await stackStatus(process.env, { brokers });
      for (const s of all) {
        const ours = s.pid === undefined ? '' : `  pid ${s.pid}  rss ${s.rssMb ?? '?'} MB`;
        console.log(`${s.name.padEnd(9)} ${(s.up ? 'up' : 'down').padEnd(5)} ${s.address}${ours}`);
      }
      const cfg = loadConfig(process.env, { kafkaBrokers: brokers });
      console.log(`kafka bootstrap ${kafkaBootstrapServers(cfg)}  (Kafka ${cfg.kafkaVersion} configured, ${cfg.kafkaBrokers} broker${cfg.kafkaBrokers > 1 ? 's' : ''})`);
      return all.every((s) => s.up) ? 0 : 3;
    }
    case 'logs': {
      const which = positional[0];
      const cfg = loadConfig(process.env, { kafkaBrokers: brokers });
      const instances = cfg.kafkaBrokers > 1 ? Array.from({ length: cfg.kafkaBrokers }, (_, i) => `kafka-${i}`) : [];
      if (which !== undefined && !SERVICE_NAMES.includes(which as ServiceName) && !instances.includes(which)) throw new StackError(USAGE, 2);
      console.log(await logTails(which === undefined ? SERVICE_NAMES : [which], 100, process.env, brokers));
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
