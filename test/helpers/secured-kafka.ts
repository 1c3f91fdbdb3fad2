// A Kafka broker of a test's own, with the listeners a managed Kafka has: SASL over plaintext and
// over TLS (PLAIN and SCRAM users), and TLS with client certificates (mutual TLS). It runs on the
// stack's cached Kafka jars (`kafkaJvm`), in its own temporary data dir, on ephemeral loopback
// ports, as a child of the test process (killed by `stop()` or when the test process ends).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { kafkaJvm } from '@herald/infra';
import { createKafka } from '@herald/kafka';
import type { TestCerts } from '../integration/webhook-tls-certs.js';

export const SASL_USERS = {
  plain: { username: 'herald-plain', password: 'plain-secret' },
  scram256: { username: 'herald-scram', password: 'scram-secret' },
} as const;

export interface SecuredBroker {
  /** PLAINTEXT, for the test's own setup (no client of Herald's uses it). */
  plaintext: string;
  /** SASL_PLAINTEXT: PLAIN and SCRAM-SHA-256 users of SASL_USERS. */
  saslPlaintext: string;
  /** SASL_SSL: the same users, the server certificate of `certs` (signed by its CA). */
  saslSsl: string;
  /** SSL with a client certificate required (signed by the same CA). */
  mtls: string;
  log: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const jaas = (mechanism: string): string =>
  mechanism === 'plain'
    ? `org.apache.kafka.common.security.plain.PlainLoginModule required user_${SASL_USERS.plain.username}="${SASL_USERS.plain.password}";`
    : 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/** Starts the broker and resolves once it answers on its plaintext listener (bounded by `timeoutMs`). */
export async function startSecuredBroker(certs: TestCerts, timeoutMs = 90_000): Promise<SecuredBroker> {
  const jvm = await kafkaJvm();
  const home = mkdtempSync(join(tmpdir(), 'herald-secured-kafka-'));
  const [plain, saslPlain, saslSsl, mtls, controller] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const at = (port: number) => `127.0.0.1:${port}`;
  // Kafka reads a PEM key store as one file: the private key (PKCS#8, unencrypted) and its chain.
  const keystore = join(home, 'server-keystore.pem');
  writeFileSync(keystore, readFileSync(certs.serverKeyFile, 'utf8') + readFileSync(certs.serverCertFile, 'utf8'));
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${at(controller)}`,
    listeners: `INTERNAL://${at(plain)},SASL_PLAINTEXT://${at(saslPlain)},SASL_SSL://${at(saslSsl)},SSL://${at(mtls)},CONTROLLER://${at(controller)}`,
    'advertised.listeners': `INTERNAL://${at(plain)},SASL_PLAINTEXT://${at(saslPlain)},SASL_SSL://${at(saslSsl)},SSL://${at(mtls)}`,
    'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'INTERNAL',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256',
    ...Object.fromEntries(
      ['sasl_plaintext', 'sasl_ssl'].flatMap((l) => ['plain', 'scram-sha-256'].map((m) => [`listener.name.${l}.${m}.sasl.jaas.config`, jaas(m)])),
    ),
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': keystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': certs.caFile,
    'listener.name.ssl.ssl.client.auth': 'required',
    'log.dirs': join(home, 'data'),
    'num.partitions': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'false',
  };
  const propsFile = join(home, 'server.properties');
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const log = join(home, 'server.log');
  const loggingConfigFile = join(home, jvm.logging.configName);
  writeFileSync(loggingConfigFile, jvm.logging.config(log));

  // SCRAM credentials live in the cluster metadata: written when the storage is formatted.
  const scram = `SCRAM-SHA-256=[name=${SASL_USERS.scram256.username},password=${SASL_USERS.scram256.password}]`;
  const clusterId = randomBytes(16).toString('base64url').replace(/^-/, 'A');
  const format = ['format', `--cluster-id=${clusterId}`, '-c', propsFile, '--add-scram', scram];
  await promisify(execFile)(jvm.javaBin, jvm.args('kafka.tools.StorageTool', format, { heap: ['-Xmx256m'], loggingConfigFile }), { timeout: 60_000 });

  const out = openSync(join(home, 'server.out'), 'a');
  const child: ChildProcess = spawn(jvm.javaBin, jvm.args('kafka.Kafka', [propsFile], { heap: ['-Xms128m', '-Xmx384m'], loggingConfigFile }), {
    cwd: home,
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    process.off('exit', kill);
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(kill, 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(home, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  const admin = createKafka({ brokers: [at(plain)], clientId: 'herald-test-secured', connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 }).admin({ retry: { retries: 0 } });
  for (;;) {
    if (child.exitCode !== null) {
      const tail = readFileSync(join(home, 'server.out'), 'utf8').slice(-2_000);
      await stop();
      throw new Error(`the secured test broker exited (${child.exitCode}): ${tail}`);
    }
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      break;
    } catch (err) {
      await admin.disconnect().catch(() => undefined);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the secured test broker did not start within ${timeoutMs} ms: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { plaintext: at(plain), saslPlaintext: at(saslPlain), saslSsl: at(saslSsl), mtls: at(mtls), log, stop };
}
