import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand, UsageError } from './args.js';

const usage = (argv: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}) =>
  assert.throws(() => parseCommand(argv, env), (err: unknown) => err instanceof UsageError && pattern.test(err.message));

test('emit <kind> with flags, connection from env or defaults', () => {
  const cmd = parseCommand(['emit', 'repo_push', '--repository', 'ns/app', '--tags', 'latest,v1'], {
    KAFKA_BROKERS: 'k1:9092, k2:9092',
  });
  assert.equal(cmd.command, 'emit');
  if (cmd.command !== 'emit') return;
  assert.deepEqual(cmd.source, { mode: 'flags', kind: 'repo_push' });
  assert.deepEqual(cmd.brokers, ['k1:9092', 'k2:9092']);
  assert.equal(cmd.registryUrl, 'http://127.0.0.1:8081/apis/ccompat/v7');
  assert.equal(cmd.registryHost, 'localhost:5000');
  assert.equal(cmd.flags.tags, 'latest,v1');
});

test('flags beat the environment', () => {
  const cmd = parseCommand(['emit', '--sample', 'build_start', '--brokers', 'b:1', '--registry', 'http://r/'], {
    KAFKA_BROKERS: 'k:1',
    SCHEMA_REGISTRY_URL: 'http://env/',
  });
  assert.ok(cmd.command === 'emit' && cmd.brokers[0] === 'b:1' && cmd.registryUrl === 'http://r/');
  assert.deepEqual(cmd.command === 'emit' && cmd.source, { mode: 'sample', kind: 'build_start' });
});

test('help, and usage errors', () => {
  assert.deepEqual(parseCommand(['--help'], {}), { command: 'help' });
  assert.deepEqual(parseCommand(['emit', '-h'], {}), { command: 'help' });
  usage([], /missing command/);
  usage(['publish'], /unknown command/);
  usage(['emit'], /exactly one of/);
  usage(['emit', 'repo_push', '--sample', 'repo_push'], /exactly one of/);
  usage(['emit', 'nope'], /unknown event kind "nope"/);
  usage(['emit', 'repo_push', '--colour'], /Unknown option '--colour'/);
  usage(['emit', '--file', 'x.jsonl', '--tags', 'a'], /--file takes the events from the file; remove --tags/);
});

test('without flags or KAFKA_BROKERS / SCHEMA_REGISTRY_URL, the local stack on KAFKA_PORT / REGISTRY_PORT', () => {
  const cmd = parseCommand(['emit', '--sample', 'repo_push'], { KAFKA_PORT: '19092', REGISTRY_PORT: '18081', MONGO_PORT: 'unused' });
  assert.ok(cmd.command === 'emit');
  assert.deepEqual(cmd.brokers, ['127.0.0.1:19092']);
  assert.equal(cmd.registryUrl, 'http://127.0.0.1:18081/apis/ccompat/v7');
  const defaults = parseCommand(['emit', '--sample', 'repo_push'], {});
  assert.ok(defaults.command === 'emit');
  assert.deepEqual([defaults.brokers, defaults.registryUrl], [['127.0.0.1:9092'], 'http://127.0.0.1:8081/apis/ccompat/v7']);
  assert.throws(
    () => parseCommand(['emit', '--sample', 'repo_push'], { KAFKA_PORT: '0' }),
    (err: unknown) => err instanceof UsageError && /KAFKA_PORT must be between 1 and 65535, got 0/.test(err.message),
  );
  // A flag makes its port variable irrelevant.
  const flagged = parseCommand(['emit', '--sample', 'repo_push', '--brokers', 'b:1'], { KAFKA_PORT: '0' });
  assert.ok(flagged.command === 'emit' && flagged.brokers[0] === 'b:1');
});

test('a secured Kafka and registry come from the services\' variables; a bad combination is a usage error naming it', () => {
  const cmd = parseCommand(['emit', '--sample', 'repo_push', '--registry', 'https://registry.example/apis/ccompat/v7'], {
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'herald',
    KAFKA_SASL_PASSWORD: 'pw',
    KAFKA_TLS: 'true',
    SCHEMA_REGISTRY_USERNAME: 'r',
    SCHEMA_REGISTRY_PASSWORD: 'rpw',
  });
  assert.ok(cmd.command === 'emit');
  assert.deepEqual(cmd.kafkaSecurity, { sasl: { mechanism: 'scram-sha-512', username: 'herald', password: 'pw' }, tls: {} });
  assert.deepEqual(cmd.registrySecurity, { auth: { username: 'r', password: 'rpw' } });
  const plain = parseCommand(['emit', '--sample', 'repo_push'], {});
  assert.ok(plain.command === 'emit');
  assert.deepEqual([plain.kafkaSecurity, plain.registrySecurity], [{}, {}]);
  usage(['emit', '--sample', 'repo_push'], /KAFKA_SASL_MECHANISM is plain but KAFKA_SASL_USERNAME is not set/, { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'pw' });
});
