import { join } from 'node:path';
import { loadConfig } from './config.js';
import { exists } from './files.js';
import { requireJava } from './java.js';
import { kafkaLogging } from './kafka-files.js';
import { StackError } from './stack-error.js';

/** How to run one of Kafka's own programs (a broker, the storage tool) on the stack's cached jars. */
export interface KafkaJvm {
  version: string;
  javaBin: string;
  /** The logging config file's name and its text, writing to `logFile`. */
  logging: { configName: string; config(logFile: string): string };
  /** The JVM's arguments for `main` with `args`, logging configured by `loggingConfigFile`. */
  args(main: string, args: readonly string[], opts: { heap: readonly string[]; loggingConfigFile: string }): string[];
}

/**
 * Kafka's JVM as `up` provisioned it (jars cached per version under HERALD_CACHE_DIR), for tests
 * that need a broker of their own, e.g. with security settings the stack's broker does not have.
 * Throws a StackError when the jars are missing: `node scripts/stack.mjs up` (or `npm test`) makes them.
 */
export async function kafkaJvm(env: NodeJS.ProcessEnv = process.env): Promise<KafkaJvm> {
  const cfg = loadConfig(env);
  const lib = join(cfg.cacheDir, 'kafka', cfg.kafkaVersion, 'lib');
  if (!(await exists(lib))) throw new StackError(`no Kafka ${cfg.kafkaVersion} jars under ${lib}; run \`node scripts/stack.mjs up\` first`);
  const logging = kafkaLogging(cfg.kafkaVersion);
  return {
    version: cfg.kafkaVersion,
    javaBin: await requireJava(17),
    logging: { configName: logging.configName, config: logging.config },
    args: (main, args, opts) => [...opts.heap, '-Djava.awt.headless=true', logging.jvmFlag(opts.loggingConfigFile), '-cp', `${lib}/*`, main, ...args],
  };
}
