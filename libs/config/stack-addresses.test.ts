import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@herald/errors';
import { commonShape } from './common.js';
import { parseConfig } from './config.js';
import { stackAddresses } from './stack-addresses.js';

test('the default ports when nothing is set', () => {
  assert.deepEqual(stackAddresses({}), {
    kafkaBrokers: ['127.0.0.1:9092'],
    schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
    mongoUrl: 'mongodb://127.0.0.1:27017/?retryWrites=false',
  });
});

test('KAFKA_PORT, REGISTRY_PORT and MONGO_PORT move every address', () => {
  assert.deepEqual(stackAddresses({ KAFKA_PORT: '19092', REGISTRY_PORT: '18081', MONGO_PORT: '37017' }), {
    kafkaBrokers: ['127.0.0.1:19092'],
    schemaRegistryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7',
    mongoUrl: 'mongodb://127.0.0.1:37017/?retryWrites=false',
  });
});

test('an explicit address wins over its port variable', () => {
  const env = {
    KAFKA_PORT: '19092',
    REGISTRY_PORT: '18081',
    MONGO_PORT: '37017',
    KAFKA_BROKERS: 'kafka-a:9092, kafka-b:9092',
    SCHEMA_REGISTRY_URL: 'https://registry.example/apis/ccompat/v7',
    MONGO_URL: 'mongodb://mongo.example:27017/',
  };
  assert.deepEqual(stackAddresses(env), {
    kafkaBrokers: ['kafka-a:9092', 'kafka-b:9092'],
    schemaRegistryUrl: 'https://registry.example/apis/ccompat/v7',
    mongoUrl: 'mongodb://mongo.example:27017/',
  });
  // Only the unset one derives from its port.
  assert.deepEqual(stackAddresses({ ...env, MONGO_URL: ' ' }).mongoUrl, 'mongodb://127.0.0.1:37017/?retryWrites=false');
});

test('bad ports are all reported at once, and only where they are used', () => {
  assert.throws(
    () => stackAddresses({ KAFKA_PORT: 'x', REGISTRY_PORT: '70000', MONGO_PORT: '27018' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /KAFKA_PORT must be an integer, got "x"/);
      assert.match(err.message, /REGISTRY_PORT must be between 1 and 65535, got 70000/);
      assert.doesNotMatch(err.message, /MONGO_PORT/);
      return true;
    },
  );
  assert.deepEqual(stackAddresses({ KAFKA_PORT: 'x', KAFKA_BROKERS: '10.0.0.1:9092' }).kafkaBrokers, ['10.0.0.1:9092']);
});

test("every service's common config derives its addresses the same way", () => {
  const c = parseConfig(commonShape, { KAFKA_PORT: '19092', REGISTRY_PORT: '18081', MONGO_PORT: '37017' });
  assert.deepEqual(c.KAFKA_BROKERS, ['127.0.0.1:19092']);
  assert.equal(c.SCHEMA_REGISTRY_URL, 'http://127.0.0.1:18081/apis/ccompat/v7');
  assert.equal(c.MONGO_URL, 'mongodb://127.0.0.1:37017/?retryWrites=false');
});
