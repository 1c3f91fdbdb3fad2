// `npm start`: the whole system on one machine. Provisions and starts the local stack, starts every
// service as its own process, local receivers for the demo (an inbox page standing in for webhook
// receivers, Slack, Flowdock and HipChat; an SMTP catcher), seeds a demo repository with one
// notification per method through the API, publishes a sample of every event kind, and prints where
// to look. A service that dies is restarted (see supervisor.ts); Ctrl-C stops everything it started.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_KINDS, sampleEvent } from '@herald/events';
import { createKafka, runTopicsCommand } from '@herald/kafka';
import { createEventPublisher } from '@herald/producer';
import { loadConfig } from '../config.js';
import { stopStack } from '../down.js';
import { ensureStack } from '../up.js';
import { startInbox } from './inbox.js';
import { startMailCatcher } from './mail-catcher.js';
import { DEMO_REPOSITORY, demoToken, seedDemo } from './seed.js';
import { DEMO_RETRY_DELAYS_MS, superviseServices } from './services.js';
import type { Supervisor } from './supervisor.js';
import { confirmByLink } from './confirm-link.js';

const t0 = Date.now();
const log = (msg: string) => console.log(`[herald] ${msg}`);
const envPort = (name: string, fallback: number) => Number(process.env[name] || fallback);
/** The port variables `emit` needs in another shell to reach this stack rather than the default one. */
const emitPrefix = () =>
  ['KAFKA_PORT', 'REGISTRY_PORT'].flatMap((v) => (process.env[v] ? [`${v}=${process.env[v]} `] : [])).join('');

const stackConfig = loadConfig();
const stack = await ensureStack();
const demoDir = join(stackConfig.dataDir, 'demo');
mkdirSync(join(demoDir, 'logs'), { recursive: true });
// One secret per data dir, so tokens printed earlier keep working after a restart.
const secretFile = join(demoDir, 'jwt-secret');
if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
const jwtSecret = readFileSync(secretFile, 'utf8').trim();
// Likewise the token the demo's registries send to ingest.
const ingestTokenFile = join(demoDir, 'ingest-token');
if (!existsSync(ingestTokenFile)) writeFileSync(ingestTokenFile, randomBytes(24).toString('hex'), { mode: 0o600 });
const ingestToken = readFileSync(ingestTokenFile, 'utf8').trim();
const ingestUrl = `http://127.0.0.1:${envPort('HERALD_INGEST_PORT', 8091)}`;

const inbox = await startInbox(envPort('HERALD_INBOX_PORT', 8090));
// The confirmation mail may arrive before the API call that sent it returns: keep the latest link.
let confirmationLink: string | undefined;
const smtpPort = envPort('HERALD_SMTP_PORT', 2525);
const mail = await startMailCatcher(smtpPort, (raw, to) => {
  const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '(no subject)';
  inbox.add({ receiver: 'mail', method: 'SMTP', path: `to ${to.join(', ')}: ${subject}`, headers: {}, body: raw });
  // Undo quoted-printable soft line breaks and '=' escapes before looking for the link.
  const text = raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const link = /(https?:\/\/[^\s"<>]+\/authrepoemail\?code=[A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (link) confirmationLink = link;
});
log(`demo inbox ${inbox.url} · SMTP catcher 127.0.0.1:${smtpPort}`);

const apiPort = envPort('HERALD_API_PORT', 8080);
const apiUrl = `http://127.0.0.1:${apiPort}`;
const supervisors: Supervisor[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  log('stopping…');
  await Promise.all(supervisors.map((s) => s.stop('SIGTERM')));
  await Promise.all([inbox.close(), mail.close()]);
  if (stack.startedByUs.length > 0) await stopStack();
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  // `npx herald topics apply` before any service: services only check their topics at start.
  const topicsEnv = { ...process.env, DELIVERY_RETRY_DELAYS_MS: DEMO_RETRY_DELAYS_MS };
  if ((await runTopicsCommand(['apply', '--brokers', stack.kafkaBrokers.join(',')], topicsEnv, { out: log, err: log })) !== 0) throw new Error('Kafka topics need attention (see above)');
  // The stack's own addresses: services and the demo's publisher go where this stack listens.
  const endpoints = { apiPort, inboxUrl: inbox.url, smtpPort, jwtSecret, logDir: join(demoDir, 'logs'), stack, ingest: { port: Number(new URL(ingestUrl).port), token: ingestToken } };
  await superviseServices(endpoints, log, (s) => supervisors.push(s));
  const token = await demoToken(jwtSecret);
  const confirm = async () => {
    for (const deadline = Date.now() + 30_000; !confirmationLink; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error('no confirmation mail within 30 s');
    }
    const res = await confirmByLink(confirmationLink);
    if (res.status !== 200) throw new Error(`confirming the demo e-mail address failed: ${res.status}`);
  };
  const created = await seedDemo(apiUrl, token, inbox.url, confirm);
  log(created.length ? `seeded ${DEMO_REPOSITORY} with ${created.join(', ')} notifications` : `${DEMO_REPOSITORY} already seeded`);

  const publisher = createEventPublisher({ kafka: createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-demo' }), registryUrl: stack.registryUrl });
  await publisher.connect();
  await publisher.publish(EVENT_KINDS.map((kind) => sampleEvent(kind, { repository: DEMO_REPOSITORY })));
  await publisher.disconnect();

  console.log(`
Herald is ready in ${((Date.now() - t0) / 1000).toFixed(1)}s.

  API            ${apiUrl}/api/v1/repository/${DEMO_REPOSITORY}/notification/   (OpenAPI: ${apiUrl}/openapi.json)
  Admin page     ${apiUrl}/
  Admin token    ${token}
  Deliveries     ${inbox.url}   (webhook, Slack, Flowdock, HipChat requests and e-mails, newest first)
  In-app         curl -H "Authorization: Bearer <token>" ${apiUrl}/api/v1/user/notifications
  Emit events    ${emitPrefix()}npx herald emit repo_push --repository ${DEMO_REPOSITORY} --tags latest
  Registry in    ${ingestUrl}/v1/distribution/events   (a CNCF Distribution notification endpoint; Harbor: ${ingestUrl}/v1/harbor/events)
  Ingest token   ${ingestToken}   (Authorization: Bearer <token>)
  Logs           ${join(demoDir, 'logs')}

A service that dies is restarted (1 s, doubling to 30 s). Ctrl-C stops everything.`);
} catch (err) {
  // Ctrl-C during start-up fails the start in progress; the stop it began finishes on its own.
  if (!stopping) {
    console.error(`[herald] start failed: ${(err as Error).message}`);
    await stopAll(1);
  }
}
