import { readFileSync } from 'node:fs';
import { bool, optionalStr, type ConfigOf, type Reader } from './config.js';

/** SASL mechanisms Herald's Kafka clients speak (kafkajs and @platformatic/kafka both have these). */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

const set = (env: NodeJS.ProcessEnv, name: string): boolean => (env[name] ?? '').trim() !== '';

/** The text of a file, or a problem naming the setting. */
function readSetting(name: string, path: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return undefined;
  }
}

/**
 * A secret given either as `NAME` or as `NAME_FILE` (a path, e.g. a mounted Kubernetes Secret; one
 * trailing newline is dropped). Both at once is a problem.
 */
function secret(fileVar: string): Reader<string | undefined> {
  return (env, name, problems) => {
    const direct = set(env, name) ? env[name] : undefined;
    if (!set(env, fileVar)) return direct;
    if (direct !== undefined) {
      problems.push(`${name} and ${fileVar} are both set; use one`);
      return direct;
    }
    return readSetting(fileVar, (env[fileVar] as string).trim(), problems)?.replace(/\r?\n$/, '');
  };
}

/** A PEM file's path; checked readable and PEM. `requires` must be set (true) when this one is. */
function pemFile(requires: readonly string[], why?: (env: NodeJS.ProcessEnv) => string | undefined): Reader<string | undefined> {
  const read = optionalStr();
  return (env, name, problems) => {
    const path = read(env, name, problems);
    if (path === undefined) return undefined;
    for (const other of requires) if (!set(env, other)) problems.push(`${name} is set but ${other} is not`);
    const problem = why?.(env);
    if (problem) problems.push(`${name} ${problem}`);
    const text = readSetting(name, path, problems);
    if (text !== undefined && !text.includes('-----BEGIN ')) problems.push(`${name}: ${path} is not a PEM file`);
    return path;
  };
}

const tlsOff = (env: NodeJS.ProcessEnv): string | undefined => (bool(false)(env, 'KAFKA_TLS', []) ? undefined : 'is set but KAFKA_TLS is off');

/** SASL needs a username and a password; a username or password without a mechanism is a mistake. */
function saslMechanism(): Reader<SaslMechanism | undefined> {
  return (env, name, problems) => {
    const v = set(env, name) ? (env[name] as string).trim().toLowerCase() : undefined;
    if (v === undefined) {
      for (const other of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE']) {
        if (set(env, other)) problems.push(`${other} is set but ${name} is not (one of ${SASL_MECHANISMS.join(', ')})`);
      }
      return undefined;
    }
    if (!(SASL_MECHANISMS as readonly string[]).includes(v)) {
      problems.push(`${name} must be one of ${SASL_MECHANISMS.join(', ')}, got "${v}"`);
      return undefined;
    }
    if (!set(env, 'KAFKA_SASL_USERNAME')) problems.push(`${name} is ${v} but KAFKA_SASL_USERNAME is not set`);
    if (!set(env, 'KAFKA_SASL_PASSWORD') && !set(env, 'KAFKA_SASL_PASSWORD_FILE')) {
      problems.push(`${name} is ${v} but neither KAFKA_SASL_PASSWORD nor KAFKA_SASL_PASSWORD_FILE is set`);
    }
    return v as SaslMechanism;
  };
}

/**
 * How Herald's Kafka clients authenticate and encrypt: SASL (PLAIN or SCRAM) and/or TLS, with a
 * client certificate for mutual TLS. Every client of a process uses the same settings.
 */
export const kafkaSecurityShape = {
  KAFKA_SASL_MECHANISM: saslMechanism(),
  KAFKA_SASL_USERNAME: optionalStr(),
  /** Or KAFKA_SASL_PASSWORD_FILE: the password's file (a mounted Secret). */
  KAFKA_SASL_PASSWORD: secret('KAFKA_SASL_PASSWORD_FILE'),
  KAFKA_SASL_PASSWORD_FILE: optionalStr(),
  /** TLS to the brokers (SASL_SSL or SSL listeners); the system's CAs unless KAFKA_TLS_CA_FILE. */
  KAFKA_TLS: bool(false),
  KAFKA_TLS_CA_FILE: pemFile([], tlsOff),
  /** Client certificate and key for mutual TLS (both or neither). */
  KAFKA_TLS_CERT_FILE: pemFile(['KAFKA_TLS_KEY_FILE'], tlsOff),
  KAFKA_TLS_KEY_FILE: pemFile(['KAFKA_TLS_CERT_FILE'], tlsOff),
};

const notHttps = (env: NodeJS.ProcessEnv): string | undefined =>
  (env['SCHEMA_REGISTRY_URL'] ?? '').trim().toLowerCase().startsWith('https:') ? undefined : 'is set but SCHEMA_REGISTRY_URL is not an https URL';

function registryUsername(): Reader<string | undefined> {
  const read = optionalStr();
  return (env, name, problems) => {
    const v = read(env, name, problems);
    const password = set(env, 'SCHEMA_REGISTRY_PASSWORD') || set(env, 'SCHEMA_REGISTRY_PASSWORD_FILE');
    if (v !== undefined && !password) problems.push(`${name} is set but neither SCHEMA_REGISTRY_PASSWORD nor SCHEMA_REGISTRY_PASSWORD_FILE is`);
    if (v === undefined && password) problems.push(`SCHEMA_REGISTRY_PASSWORD is set but ${name} is not`);
    return v;
  };
}

/** HTTP basic credentials for the schema registry (as Confluent-compatible registries take) and its CA. */
export const registrySecurityShape = {
  SCHEMA_REGISTRY_USERNAME: registryUsername(),
  /** Or SCHEMA_REGISTRY_PASSWORD_FILE: the password's file (a mounted Secret). */
  SCHEMA_REGISTRY_PASSWORD: secret('SCHEMA_REGISTRY_PASSWORD_FILE'),
  SCHEMA_REGISTRY_PASSWORD_FILE: optionalStr(),
  /** CA bundle for an https registry signed by a private CA (default: the system's CAs). */
  SCHEMA_REGISTRY_CA_FILE: pemFile([], notHttps),
};

/** Where Kafka is and how to reach it: what every Kafka client of Herald takes. */
export interface KafkaConnection {
  brokers: string[];
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** Present: TLS. `ca` replaces the system's CAs; `cert` + `key` make it mutual TLS. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

/** Where the schema registry is and how to reach it. */
export interface RegistryConnection {
  url: string;
  auth?: { username: string; password: string };
  ca?: Buffer;
}

type KafkaSettings = { KAFKA_BROKERS: string[] } & ConfigOf<typeof kafkaSecurityShape>;
type RegistrySettings = { SCHEMA_REGISTRY_URL: string } & ConfigOf<typeof registrySecurityShape>;

/** The Kafka connection a parsed config describes (reads the certificate files it names). */
export function kafkaConnection(c: KafkaSettings): KafkaConnection {
  const out: KafkaConnection = { brokers: c.KAFKA_BROKERS };
  if (c.KAFKA_SASL_MECHANISM) {
    out.sasl = { mechanism: c.KAFKA_SASL_MECHANISM, username: c.KAFKA_SASL_USERNAME ?? '', password: c.KAFKA_SASL_PASSWORD ?? '' };
  }
  if (c.KAFKA_TLS) {
    out.tls = {
      ...(c.KAFKA_TLS_CA_FILE ? { ca: readFileSync(c.KAFKA_TLS_CA_FILE) } : {}),
      ...(c.KAFKA_TLS_CERT_FILE ? { cert: readFileSync(c.KAFKA_TLS_CERT_FILE) } : {}),
      ...(c.KAFKA_TLS_KEY_FILE ? { key: readFileSync(c.KAFKA_TLS_KEY_FILE) } : {}),
    };
  }
  return out;
}

/** The schema registry connection a parsed config describes (reads the CA file it names). */
export function registryConnection(c: RegistrySettings): RegistryConnection {
  return {
    url: c.SCHEMA_REGISTRY_URL,
    ...(c.SCHEMA_REGISTRY_USERNAME ? { auth: { username: c.SCHEMA_REGISTRY_USERNAME, password: c.SCHEMA_REGISTRY_PASSWORD ?? '' } } : {}),
    ...(c.SCHEMA_REGISTRY_CA_FILE ? { ca: readFileSync(c.SCHEMA_REGISTRY_CA_FILE) } : {}),
  };
}
