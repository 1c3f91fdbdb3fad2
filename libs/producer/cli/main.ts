import { createLogger } from '@herald/logger';
import { startTracing } from '@herald/observability';
import { parseCommand, UsageError } from './args.js';
import { runEmit } from './emit.js';
import { USAGE } from './usage.js';

/** Resolves once everything written to `stream` so far has been handed to the OS (or failed). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  // Write callbacks run in order, so an empty write's runs after every earlier write's.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

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
    // With OTEL_EXPORTER_OTLP_ENDPOINT set, each event's send span starts its trace (exported before exit).
    const tracing = await startTracing({ service: 'herald-emit', env, logger });
    try {
      await runEmit(cmd, { out: (line) => process.stdout.write(`${line}\n`), logger });
    } finally {
      await tracing.shutdown();
    }
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

// A reader that went away (`herald emit … | head`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});
process.exitCode = await main(process.argv.slice(2), process.env);
// Exit explicitly, since a half-open Kafka connection must not keep a failed CLI alive, but only
// once a slow reader has taken every line: output to a pipe is written asynchronously.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit();
