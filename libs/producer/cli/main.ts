import { createLogger } from '@herald/logger';
import { parseCommand, UsageError } from './args.js';
import { runEmit } from './emit.js';
import { USAGE } from './usage.js';

/** The `herald` command line; returns the exit status (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const cmd = parseCommand(argv, env);
    if (cmd.command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    // Logs are JSON on stderr, quiet by default, so stdout carries only the published lines.
    const logger = createLogger({ service: 'herald-cli', level: env['LOG_LEVEL'] ?? 'error', destination: process.stderr });
    await runEmit(cmd, { out: (line) => process.stdout.write(`${line}\n`), logger });
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`herald: ${message}\n`);
    if (err instanceof UsageError) {
      process.stderr.write('Run "herald --help" for usage.\n');
      return 2;
    }
    return 1;
  }
}

// Exit explicitly: a half-open Kafka connection must not keep a failed CLI alive.
process.exit(await main(process.argv.slice(2), process.env));
