// Herald's clients against a secured Kafka and an authenticated schema registry, for real on loopback:
// a broker of the test's own with SASL (PLAIN, SCRAM-SHA-256) over plaintext and over TLS and a
// mutual-TLS listener, and an https proxy demanding HTTP basic credentials in front of the stack's
// registry. The settings go through the services' own config parsing (commonShape) every time; the
// last test runs `herald topics apply` and a whole delivery service (a process) with them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { commonShape, kafkaConnection, parseConfig, registryConnection, type KafkaConnection } from '@herald/config';
import type { HeraldError } from '@herald/errors';
import { REPOSITORY_EVENT_SCHEMA, sampleEvent, SchemaRegistryCodec } from '@herald/events';
import { createKafka, createRecordProducer, runTopicsCommand } from '@herald/kafka';
import { createLogger, type Logger } from '@herald/logger';
import { SASL_USERS, startSecuredBroker, type SecuredBroker } from '../helpers/secured-kafka.js';
import { TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';
import { openTestDb, TEST_MONGO_URL } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { startService } from '@herald/testing';
import { readFileSync } from 'node:fs';
import { makeTestCerts, type TestCerts } from './webhook-tls-certs.js';

let certs: TestCerts;
let broker: SecuredBroker;
let proxy: Server;
let proxyUrl: string;
const proxied = { authorized: 0, refused: 0 };
const REGISTRY_USER = { username: 'herald-registry', password: 'registry-secret' };

before(async () => {
  certs = makeTestCerts();
  broker = await startSecuredBroker(certs);
  // The registry behind an https proxy that takes one user (what a managed registry's gateway does).
  const upstream = new URL(TEST_SCHEMA_REGISTRY_URL);
  const expected = `Basic ${Buffer.from(`${REGISTRY_USER.username}:${REGISTRY_USER.password}`).toString('base64')}`;
  proxy = createServer({ key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile) }, (req, res) => {
    if (req.headers.authorization !== expected) {
      proxied.refused++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"', 'content-type': 'application/json' }).end('{"error_code":401,"message":"Unauthorized"}');
      return;
    }
    proxied.authorized++;
    const { authorization: _a, host: _h, ...headers } = req.headers;
    const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `https://127.0.0.1:${(proxy.address() as { port: number }).port}${upstream.pathname}`;
});

after(async () => {
  proxy?.close();
  await broker?.stop();
  certs?.remove();
});

/** The connection the services would make from these variables. */
const connection = (env: NodeJS.ProcessEnv): KafkaConnection => kafkaConnection(parseConfig(commonShape, env));
const topicName = () => `herald-test-auth-${randomBytes(4).toString('hex')}`;

/** Creates a topic, produces one record with kafkajs and one with the record producer, and reads both back. */
async function roundTrip(conn: KafkaConnection): Promise<string[]> {
  const topic = topicName();
  const kafka = createKafka({ ...conn, clientId: 'herald-test-auth' });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'a', value: 'from kafkajs' }] });
  await producer.disconnect();
  const records = createRecordProducer({ ...conn, clientId: 'herald-test-auth-records' });
  await records.connect([topic]);
  await records.send([{ topic, key: 'b', value: Buffer.from('from the record producer') }]);
  await records.close();
  const consumer = kafka.consumer({ groupId: `${topic}-reader` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of 2 records within 20 s`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(String(message.value));
          if (seen.length === 2) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return seen.sort();
  } finally {
    await consumer.disconnect();
  }
}

const BOTH = ['from kafkajs', 'from the record producer'];

test('SASL/SCRAM-SHA-256 over plaintext: kafkajs and the record producer round-trip', async () => {
  const conn = connection({ KAFKA_BROKERS: broker.saslPlaintext, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: SASL_USERS.scram256.username, KAFKA_SASL_PASSWORD: SASL_USERS.scram256.password });
  assert.deepEqual(await roundTrip(conn), BOTH);
});

test('SASL/PLAIN over TLS (SASL_SSL, private CA, password from a file): both clients round-trip', async () => {
  const passwordFile = join(certs.dir, 'kafka-password');
  writeFileSync(passwordFile, `${SASL_USERS.plain.password}\n`);
  const conn = connection({
    KAFKA_BROKERS: broker.saslSsl,
    KAFKA_SASL_MECHANISM: 'plain',
    KAFKA_SASL_USERNAME: SASL_USERS.plain.username,
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
    KAFKA_TLS: 'true',
    KAFKA_TLS_CA_FILE: certs.caFile,
  });
  assert.deepEqual(await roundTrip(conn), BOTH);
});

test('mutual TLS with a client certificate: both clients round-trip', async () => {
  const conn = connection({ KAFKA_BROKERS: broker.mtls, KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: certs.caFile, KAFKA_TLS_CERT_FILE: certs.clientCertFile, KAFKA_TLS_KEY_FILE: certs.clientKeyFile });
  assert.deepEqual(await roundTrip(conn), BOTH);
});

/** kafkajs's admin with no retries, and the record producer: both must refuse to work. */
async function refused(conn: KafkaConnection, kafkajsError: RegExp, producerError: RegExp, logger?: Logger): Promise<void> {
  const logged = logger ? { logger } : {};
  const admin = createKafka({ ...conn, ...logged, clientId: 'herald-test-auth-bad', connectionTimeoutMs: 2_000 }).admin({ retry: { retries: 0 } });
  await assert.rejects(admin.connect(), (err: Error) => {
    assert.match(err.message, kafkajsError);
    return true;
  });
  await admin.disconnect().catch(() => undefined);
  const records = createRecordProducer({ ...conn, ...logged, clientId: 'herald-test-auth-bad', requestTimeoutMs: 5_000 });
  try {
    await assert.rejects(records.connect(['anything']), (err: Error) => {
      assert.match(err.message, producerError);
      return true;
    });
  } finally {
    await records.close();
  }
}

test('a wrong SCRAM password: both clients fail with an authentication error, and the logs never show the password', async () => {
  const conn = connection({ KAFKA_BROKERS: broker.saslPlaintext, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: SASL_USERS.scram256.username, KAFKA_SASL_PASSWORD: 'not-the-password' });
  const lines: string[] = [];
  const logger = createLogger({ service: 'kafka-auth-test', level: 'debug', destination: new Writable({ write: (chunk, _enc, done) => { lines.push(String(chunk)); done(); } }) });
  await refused(conn, /SASL SCRAM SHA256 authentication failed/i, /SASL authentication failed/, logger);
  assert.ok(lines.some((l) => /authentication failed/i.test(l)), `the failure is logged:\n${lines.join('')}`);
  for (const line of lines) assert.doesNotMatch(line, /not-the-password/);
});

test('a wrong PLAIN password over TLS: both clients fail with an authentication error', async () => {
  const conn = connection({ KAFKA_BROKERS: broker.saslSsl, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: SASL_USERS.plain.username, KAFKA_SASL_PASSWORD: 'nope', KAFKA_TLS: '1', KAFKA_TLS_CA_FILE: certs.caFile });
  await refused(conn, /SASL PLAIN authentication failed/i, /SASL authentication failed/);
});

test('TLS without the private CA: the server certificate is not trusted', async () => {
  const conn = connection({ KAFKA_BROKERS: broker.saslSsl, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: SASL_USERS.plain.username, KAFKA_SASL_PASSWORD: SASL_USERS.plain.password, KAFKA_TLS: 'true' });
  await refused(conn, /self[- ]signed certificate|unable to verify/i, /unable to verify the first certificate/);
});

test('schema registry behind basic auth over https: the right credentials register and fetch, wrong ones get a clear error', async () => {
  const passwordFile = join(certs.dir, 'registry-password');
  writeFileSync(passwordFile, REGISTRY_USER.password);
  const env = { SCHEMA_REGISTRY_URL: proxyUrl, SCHEMA_REGISTRY_USERNAME: REGISTRY_USER.username, SCHEMA_REGISTRY_PASSWORD_FILE: passwordFile, SCHEMA_REGISTRY_CA_FILE: certs.caFile };
  const subject = `${topicName()}-value`;
  const writer = new SchemaRegistryCodec({ ...registryConnection(parseConfig(commonShape, env)), clientId: 'herald-test-auth' });
  const before = proxied.authorized;
  await writer.register(subject, REPOSITORY_EVENT_SCHEMA);
  const event = sampleEvent('repo_push');
  const bytes = writer.encode(subject, event);
  // A fresh codec knows no schema id: decoding fetches the writer schema through the proxy.
  const reader = new SchemaRegistryCodec({ ...registryConnection(parseConfig(commonShape, env)), clientId: 'herald-test-auth' });
  assert.deepEqual(await reader.decode(bytes, REPOSITORY_EVENT_SCHEMA), await writer.decode(bytes, REPOSITORY_EVENT_SCHEMA));
  assert.ok(proxied.authorized - before >= 2, `authorized registry requests: ${proxied.authorized - before}`);

  const refusedBefore = proxied.refused;
  const wrong = new SchemaRegistryCodec({
    ...registryConnection(parseConfig(commonShape, { ...env, SCHEMA_REGISTRY_PASSWORD_FILE: undefined, SCHEMA_REGISTRY_PASSWORD: 'wrong' })),
    retries: 0,
  });
  await assert.rejects(wrong.register(`${topicName()}-value`, REPOSITORY_EVENT_SCHEMA), (err: HeraldError) => {
    assert.equal(err.code, 'REGISTRY_UNAVAILABLE');
    assert.match(err.message, /refused Herald's credentials \(HTTP 401\); check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD/);
    assert.doesNotMatch(err.message, /wrong/);
    return true;
  });
  // Reading a message with a registry that refuses the credentials is an outage, not a bad message.
  await assert.rejects(wrong.decode(bytes, REPOSITORY_EVENT_SCHEMA), (err: HeraldError) => err.code === 'REGISTRY_UNAVAILABLE' && err.retriable === true && /refused Herald's credentials/.test(err.message));
  assert.ok(proxied.refused > refusedBefore);
});

test('herald topics and a delivery service run against SASL_SSL (SCRAM) and the authenticated registry; no password in /readyz or the log', { timeout: 150_000 }, async () => {
  const kafkaPassword = join(certs.dir, 'scram-password');
  writeFileSync(kafkaPassword, SASL_USERS.scram256.password);
  const kafkaEnv = {
    KAFKA_BROKERS: broker.saslSsl,
    KAFKA_SASL_MECHANISM: 'scram-sha-256',
    KAFKA_SASL_USERNAME: SASL_USERS.scram256.username,
    KAFKA_SASL_PASSWORD_FILE: kafkaPassword,
    KAFKA_TLS: 'true',
    KAFKA_TLS_CA_FILE: certs.caFile,
  };
  const out: string[] = [];
  const status = await runTopicsCommand(['apply'], { ...kafkaEnv, LOG_LEVEL: 'error' }, { out: (l) => out.push(l), err: (l) => out.push(l) });
  assert.equal(status, 0, out.join('\n'));
  // Fresh topics: their partitions get leaders a moment after creation.
  const admin = createKafka({ ...connection(kafkaEnv), clientId: 'herald-test-auth' }).admin();
  await admin.connect();
  const topics = await admin.listTopics();
  await eventually(async () => {
    for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) assert.ok(Number(p.high) >= 0);
  }, 30_000, 250);

  const db = await openTestDb('kafka-auth');
  const groupId = `${topicName()}-webhook`;
  const registryRequests = proxied.authorized;
  const svc = await startService('delivery-webhook', {
    ...kafkaEnv,
    SCHEMA_REGISTRY_URL: proxyUrl,
    SCHEMA_REGISTRY_USERNAME: REGISTRY_USER.username,
    SCHEMA_REGISTRY_PASSWORD: REGISTRY_USER.password,
    SCHEMA_REGISTRY_CA_FILE: certs.caFile,
    MONGO_URL: TEST_MONGO_URL,
    MONGO_DB: db.name,
    DELIVERY_GROUP_ID: groupId,
    LOG_LEVEL: 'debug',
  }, `kafka-auth-webhook-${groupId}`);
  try {
    await svc.ready(90_000);
    const readyz = await (await fetch(`http://127.0.0.1:${svc.opsPort}/readyz`)).text();
    // It registered its schemas (jobs, results) through the proxy, with the credentials.
    assert.ok(proxied.authorized - registryRequests >= 3, `registry requests with credentials: ${proxied.authorized - registryRequests}`);
    // Its consumer joined its group on the secured listener.
    const { groups } = await admin.describeGroups([groupId]);
    assert.ok(groups[0]!.members.length >= 1, `group ${groupId}: ${groups[0]!.state}`);
    const log = readFileSync(svc.logFile, 'utf8');
    for (const text of [readyz, log, out.join('\n')]) {
      assert.doesNotMatch(text, new RegExp(`${SASL_USERS.scram256.password}|${REGISTRY_USER.password}`));
    }
  } finally {
    await svc.kill();
    await admin.disconnect();
    await db.drop();
  }
});
