import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerCountFile, DEFAULT_KAFKA_VERSION, loadConfig } from './config.js';
import { kafkaBootstrapServers, kafkaBrokerList, kafkaLogging, serverProperties } from './kafka-files.js';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'herald-infra-test-'));
const props = (text: string): Record<string, string> => Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));

test('one broker keeps the ports, paths and replication factors of a single node', () => {
  const cfg = loadConfig({ HERALD_DATA_DIR: dataDir() });
  assert.equal(cfg.kafkaVersion, DEFAULT_KAFKA_VERSION);
  assert.deepEqual(kafkaBrokerList(cfg), [{ index: 0, nodeId: 1, name: 'kafka', port: 9092, controllerPort: 9093, address: '127.0.0.1:9092' }]);
  assert.equal(kafkaBootstrapServers(cfg), '127.0.0.1:9092');
  const p = props(serverProperties(cfg, kafkaBrokerList(cfg)[0]!, '/d'));
  assert.equal(p['controller.quorum.voters'], '1@127.0.0.1:9093');
  for (const k of ['default.replication.factor', 'min.insync.replicas', 'offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr']) {
    assert.equal(p[k], '1', k);
  }
  assert.equal(p['broker.session.timeout.ms'], undefined);
});

test('three brokers: client ports from KAFKA_PORT, controller ports after them, RF 3 with min ISR 2', () => {
  const cfg = loadConfig({ HERALD_DATA_DIR: dataDir(), KAFKA_PORT: '19092' }, { kafkaBrokers: 3 });
  const brokers = kafkaBrokerList(cfg);
  assert.deepEqual(
    brokers.map((b) => [b.name, b.nodeId, b.port, b.controllerPort]),
    [
      ['kafka-0', 1, 19092, 19095],
      ['kafka-1', 2, 19093, 19096],
      ['kafka-2', 3, 19094, 19097],
    ],
  );
  assert.equal(kafkaBootstrapServers(cfg), '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094');
  const p = props(serverProperties(cfg, brokers[1]!, '/d'));
  assert.equal(p['node.id'], '2');
  assert.equal(p['controller.quorum.voters'], '1@127.0.0.1:19095,2@127.0.0.1:19096,3@127.0.0.1:19097');
  assert.equal(p['listeners'], 'PLAINTEXT://127.0.0.1:19093,CONTROLLER://127.0.0.1:19096');
  assert.equal(p['advertised.listeners'], 'PLAINTEXT://127.0.0.1:19093');
  assert.equal(p['offsets.topic.replication.factor'], '3');
  assert.equal(p['transaction.state.log.replication.factor'], '3');
  assert.equal(p['transaction.state.log.min.isr'], '2');
  assert.equal(p['default.replication.factor'], '3');
  assert.equal(p['min.insync.replicas'], '2');
});

test('the broker count comes from the override, else KAFKA_BROKER_COUNT, else what the data dir recorded', () => {
  const dir = dataDir();
  assert.equal(loadConfig({ HERALD_DATA_DIR: dir }).kafkaBrokers, 1);
  writeFileSync(brokerCountFile(dir), '3\n');
  assert.equal(loadConfig({ HERALD_DATA_DIR: dir }).kafkaBrokers, 3);
  assert.equal(kafkaBootstrapServers(loadConfig({ HERALD_DATA_DIR: dir })), '127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094');
  assert.equal(loadConfig({ HERALD_DATA_DIR: dir, KAFKA_BROKER_COUNT: '1' }).kafkaBrokers, 1);
  assert.equal(loadConfig({ HERALD_DATA_DIR: dir, KAFKA_BROKER_COUNT: '1' }, { kafkaBrokers: 3 }).kafkaBrokers, 3);
  assert.throws(() => loadConfig({ HERALD_DATA_DIR: dir }, { kafkaBrokers: 0 }), /broker count/);
});

test('explicit controller ports that overlap the client ports, or run past 65535, are refused', () => {
  const dir = dataDir();
  assert.equal(loadConfig({ HERALD_DATA_DIR: dir, KAFKA_CONTROLLER_PORT: '29093' }, { kafkaBrokers: 3 }).kafkaControllerPort, 29093);
  assert.throws(() => loadConfig({ HERALD_DATA_DIR: dir, KAFKA_CONTROLLER_PORT: '9093' }, { kafkaBrokers: 3 }), /overlap/);
  assert.throws(() => loadConfig({ HERALD_DATA_DIR: dir, KAFKA_PORT: '65534' }, { kafkaBrokers: 3 }), /65535/);
});

test('KAFKA_VERSION picks the jars and the logging backend of its line', () => {
  const dir = dataDir();
  assert.equal(loadConfig({ HERALD_DATA_DIR: dir, KAFKA_VERSION: '3.9.2' }).kafkaVersion, '3.9.2');
  assert.throws(() => loadConfig({ HERALD_DATA_DIR: dir, KAFKA_VERSION: 'latest' }), /KAFKA_VERSION/);
  assert.equal(kafkaLogging('3.9.2').binding.artifactId, 'slf4j-reload4j');
  assert.match(kafkaLogging('3.9.2').jvmFlag('/x'), /^-Dlog4j\.configuration=file:\/x$/);
  assert.equal(kafkaLogging('4.4.0').binding.artifactId, 'log4j-slf4j-impl');
  assert.match(kafkaLogging('4.4.0').jvmFlag('/x'), /^-Dlog4j2\.configurationFile=\/x$/);
  assert.match(kafkaLogging('4.4.0').config('/logs/kafka.log'), /appender\.file\.fileName=\/logs\/kafka\.log/);
});
