import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@herald/errors';
import { commonShape } from './common.js';
import { parseConfig } from './config.js';
import { kafkaConnection, registryConnection } from './connection.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-config-conn-'));
const PEM = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const ca = file('ca.pem', PEM);
const cert = file('cert.pem', PEM);
const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
const passwordFile = file('password', 's3cret-from-file\n');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const parse = (env: NodeJS.ProcessEnv) => parseConfig(commonShape, env);
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    parse(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

test('nothing set: plaintext Kafka, a registry without credentials', () => {
  const c = parse({});
  assert.deepEqual(kafkaConnection(c), { brokers: ['127.0.0.1:9092'] });
  assert.deepEqual(registryConnection(c), { url: 'http://127.0.0.1:8081/apis/ccompat/v7' });
});

test('SASL/SCRAM over TLS with a private CA and a client certificate', () => {
  const c = parse({
    KAFKA_BROKERS: 'k1:9093,k2:9093',
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: 'herald',
    KAFKA_SASL_PASSWORD: 'pw',
    KAFKA_TLS: 'true',
    KAFKA_TLS_CA_FILE: ca,
    KAFKA_TLS_CERT_FILE: cert,
    KAFKA_TLS_KEY_FILE: key,
  });
  const k = kafkaConnection(c);
  assert.deepEqual(k.brokers, ['k1:9093', 'k2:9093']);
  assert.deepEqual(k.sasl, { mechanism: 'scram-sha-512', username: 'herald', password: 'pw' });
  assert.equal(k.tls?.ca?.toString(), PEM);
  assert.equal(k.tls?.cert?.toString(), PEM);
  assert.match(k.tls?.key?.toString() ?? '', /PRIVATE KEY/);
});

test('KAFKA_TLS alone is TLS with the system CAs', () => {
  assert.deepEqual(kafkaConnection(parse({ KAFKA_TLS: '1' })).tls, {});
});

test('passwords can come from files (a mounted Secret), one trailing newline dropped', () => {
  const c = parse({
    KAFKA_SASL_MECHANISM: 'plain',
    KAFKA_SASL_USERNAME: 'u',
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
    SCHEMA_REGISTRY_URL: 'https://registry.example:8081',
    SCHEMA_REGISTRY_USERNAME: 'r',
    SCHEMA_REGISTRY_PASSWORD_FILE: passwordFile,
    SCHEMA_REGISTRY_CA_FILE: ca,
  });
  assert.equal(kafkaConnection(c).sasl?.password, 's3cret-from-file');
  const r = registryConnection(c);
  assert.deepEqual(r.auth, { username: 'r', password: 's3cret-from-file' });
  assert.equal(r.ca?.toString(), PEM);
});

test('inconsistent combinations name the settings', () => {
  assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-256' }), [
    'KAFKA_SASL_MECHANISM is scram-sha-256 but KAFKA_SASL_USERNAME is not set',
    'KAFKA_SASL_MECHANISM is scram-sha-256 but neither KAFKA_SASL_PASSWORD nor KAFKA_SASL_PASSWORD_FILE is set',
  ]);
  assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }), [
    'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"',
  ]);
  assert.deepEqual(problems({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }), [
    'KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not (one of plain, scram-sha-256, scram-sha-512)',
    'KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not (one of plain, scram-sha-256, scram-sha-512)',
  ]);
  assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: passwordFile }), [
    'KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set; use one',
  ]);
  assert.deepEqual(problems({ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: cert }), ['KAFKA_TLS_CERT_FILE is set but KAFKA_TLS_KEY_FILE is not']);
  assert.deepEqual(problems({ KAFKA_TLS_CA_FILE: ca }), ['KAFKA_TLS_CA_FILE is set but KAFKA_TLS is off']);
  assert.deepEqual(problems({ SCHEMA_REGISTRY_USERNAME: 'r' }), [
    'SCHEMA_REGISTRY_USERNAME is set but neither SCHEMA_REGISTRY_PASSWORD nor SCHEMA_REGISTRY_PASSWORD_FILE is',
  ]);
  assert.deepEqual(problems({ SCHEMA_REGISTRY_CA_FILE: ca }), ['SCHEMA_REGISTRY_CA_FILE is set but SCHEMA_REGISTRY_URL is not an https URL']);
});

test('unreadable and non-PEM files are named with their setting', () => {
  const missing = join(dir, 'nope.pem');
  assert.deepEqual(problems({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: missing }), [`KAFKA_TLS_CA_FILE: cannot read ${missing} (ENOENT)`]);
  assert.deepEqual(problems({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: passwordFile }), [`KAFKA_TLS_CA_FILE: ${passwordFile} is not a PEM file`]);
  assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: missing }), [
    `KAFKA_SASL_PASSWORD_FILE: cannot read ${missing} (ENOENT)`,
  ]);
});

test('a config error never repeats a password', () => {
  try {
    parse({ KAFKA_SASL_PASSWORD: 'hunter2-secret', SCHEMA_REGISTRY_PASSWORD: 'other-secret' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.doesNotMatch(err.message, /hunter2-secret|other-secret/);
  }
});
