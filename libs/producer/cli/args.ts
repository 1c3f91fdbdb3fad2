import { parseArgs } from 'node:util';
import { kafkaConnection, kafkaSecurityShape, parseConfig, registryConnection, registrySecurityShape, stackShape, type KafkaConnection, type RegistryConnection } from '@herald/config';
import { ConfigError, HeraldError } from '@herald/errors';
import { isEventKind, type EventKind } from '@herald/events';

/** A command line that cannot be understood: exit status 2. */
export class UsageError extends HeraldError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

const OPTIONS = {
  repository: { type: 'string', short: 'r' },
  'registry-host': { type: 'string' },
  tags: { type: 'string' },
  'build-id': { type: 'string' },
  'build-name': { type: 'string' },
  ref: { type: 'string' },
  commit: { type: 'string' },
  'trigger-kind': { type: 'string' },
  manual: { type: 'boolean' },
  'manual-user': { type: 'string' },
  'image-id': { type: 'string' },
  message: { type: 'string' },
  'vuln-id': { type: 'string' },
  priority: { type: 'string' },
  description: { type: 'string' },
  link: { type: 'string' },
  'has-fix': { type: 'boolean' },
  'notification-uuid': { type: 'string' },
  days: { type: 'string' },
  'usage-bytes': { type: 'string' },
  'limit-bytes': { type: 'string' },
  threshold: { type: 'string' },
  performer: { type: 'string' },
  'event-id': { type: 'string' },
  sample: { type: 'string' },
  file: { type: 'string' },
  brokers: { type: 'string' },
  registry: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The event-building flags, as given. */
export type EventFlags = Partial<Record<Exclude<keyof typeof OPTIONS, 'sample' | 'file' | 'brokers' | 'registry' | 'dry-run' | 'help'>, string | boolean>>;

export type EmitSource = { mode: 'flags'; kind: EventKind } | { mode: 'sample'; kind: EventKind } | { mode: 'file'; path: string };

export interface EmitCommand {
  command: 'emit';
  source: EmitSource;
  flags: EventFlags;
  registryHost: string;
  brokers: string[];
  registryUrl: string;
  /** SASL/TLS of the brokers and the registry's credentials, from the environment as for the services. */
  kafkaSecurity: Omit<KafkaConnection, 'brokers'>;
  registrySecurity: Omit<RegistryConnection, 'url'>;
  dryRun: boolean;
}

export type Command = { command: 'help' } | EmitCommand;

export const DEFAULTS = {
  registryHost: 'localhost:5000',
} as const;

/**
 * Parses `argv` (without node and script). Without --brokers / --registry, `env` supplies
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL, or KAFKA_PORT and REGISTRY_PORT of the local stack, as
 * for the services.
 */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    if (positionals.length === 0 && !values.help) throw new UsageError('missing command');
    return { command: 'help' };
  }
  const [command, ...rest] = positionals;
  if (command !== 'emit') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  if (rest.length > 1) throw new UsageError(`unexpected arguments: ${rest.slice(1).join(' ')}`);

  const { sample, file, brokers, registry, help: _help, 'dry-run': dryRun, ...flags } = values;
  const source = emitSource(rest[0], sample, file);
  if (source.mode === 'file') {
    const extra = Object.keys(flags).filter((f) => f !== 'registry-host');
    if (extra.length > 0) throw new UsageError(`--file takes the events from the file; remove --${extra.join(', --')}`);
  }
  const fromEnv = stackFromEnv(env, brokers === undefined, registry === undefined);
  const { kafkaSecurity, registrySecurity } = securityFromEnv({ ...env, ...(registry === undefined ? {} : { SCHEMA_REGISTRY_URL: registry }) });
  return {
    command: 'emit',
    source,
    flags,
    registryHost: (values['registry-host'] ?? DEFAULTS.registryHost).trim(),
    brokers: brokers !== undefined ? list(brokers) : nonEmpty(fromEnv.KAFKA_BROKERS ?? []),
    registryUrl: (registry ?? fromEnv.SCHEMA_REGISTRY_URL ?? '').trim(),
    kafkaSecurity,
    registrySecurity,
    dryRun: dryRun ?? false,
  };
}

/** The stack addresses the flags leave open, read as the services read them. */
function stackFromEnv(env: NodeJS.ProcessEnv, brokers: boolean, registry: boolean): { KAFKA_BROKERS?: string[]; SCHEMA_REGISTRY_URL?: string } {
  const shape = {
    ...(brokers ? { KAFKA_BROKERS: stackShape.KAFKA_BROKERS } : {}),
    ...(registry ? { SCHEMA_REGISTRY_URL: stackShape.SCHEMA_REGISTRY_URL } : {}),
  };
  try {
    return parseConfig(shape, env);
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(err.problems.join('; ')) : err;
  }
}

/** KAFKA_SASL_*, KAFKA_TLS* and SCHEMA_REGISTRY_* credentials, read as the services read them. */
function securityFromEnv(env: NodeJS.ProcessEnv): Pick<EmitCommand, 'kafkaSecurity' | 'registrySecurity'> {
  let c;
  try {
    c = parseConfig({ ...kafkaSecurityShape, ...registrySecurityShape }, env);
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(err.problems.join('; ')) : err;
  }
  const { brokers: _brokers, ...kafkaSecurity } = kafkaConnection({ ...c, KAFKA_BROKERS: [] });
  const { url: _url, ...registrySecurity } = registryConnection({ ...c, SCHEMA_REGISTRY_URL: '' });
  return { kafkaSecurity, registrySecurity };
}

function emitSource(kind: string | undefined, sample: string | undefined, file: string | undefined): EmitSource {
  const given = [kind, sample, file].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError('emit needs exactly one of: <kind>, --sample <kind>, --file <path>');
  if (file !== undefined) return { mode: 'file', path: file };
  const k = (kind ?? sample) as string;
  if (!isEventKind(k)) throw new UsageError(`unknown event kind ${JSON.stringify(k)} (see herald --help)`);
  return { mode: kind !== undefined ? 'flags' : 'sample', kind: k };
}

function list(value: string): string[] {
  return nonEmpty(value.split(',').map((s) => s.trim()).filter((s) => s !== ''));
}

function nonEmpty(brokers: string[]): string[] {
  if (brokers.length === 0) throw new UsageError('no Kafka brokers given');
  return brokers;
}
