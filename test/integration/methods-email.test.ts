// SPEC §3 e-mail: subject = summary, an HTML part and a plain-text part, event text escaped, the
// address re-checked at send time (authorization removed → dead letter with the reason, no mail),
// SMTP 4xx retried and 5xx dead-lettered. Real Kafka, registry and FerretDB; a real SMTP server
// (the `smtp-server` package) on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { AttemptLog, disabledAlertEmailJob } from '@herald/delivery';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig, type DeliveryApp } from '@herald/delivery-email';
import {
  createDeliveryJob,
  DELIVERY_JOB_SCHEMA,
  DELIVERY_RESULT_SCHEMA,
  sampleEvent,
  SchemaRegistryCodec,
  SUBJECTS,
  type DeliveryJob,
  type EventKind,
  type RepositoryEvent,
} from '@herald/events';
import { createKafka, HEADERS, TOPICS, type Producer } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { AuthorizedEmailStore } from '@herald/store';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { decodeMimeWords, decodeQuotedPrintable } from '../helpers/smtp.js';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { findMessage } from '../helpers/kafka.js';
import { eventually } from '../helpers/wait.js';
import { BROKERS, REGISTRY_URL } from './webhook-fixture.js';
import { header, positionAtEnd, TailReader } from '../support/job-reader.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A MIME part: lower-cased headers (unfolded) and the decoded body. */
interface Part {
  headers: Record<string, string>;
  body: string;
}

function parsePart(raw: string): Part {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const cte = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const decoded = cte === 'quoted-printable' ? decodeQuotedPrintable(body) : cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { headers, body: decoded.replace(/\r\n/g, '\n') };
}

/** The message's headers and its text/plain and text/html parts (one level of multipart). */
function parseMail(raw: string): { headers: Record<string, string>; text: string; html: string } {
  const top = parsePart(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers['content-type'] ?? '')?.[1];
  assert.ok(boundary, `not multipart: ${top.headers['content-type']}`);
  const parts = raw.split(`--${boundary}`).slice(1, -1).map((p) => parsePart(p.replace(/^\r?\n/, '')));
  const of = (type: string) => parts.find((p) => (p.headers['content-type'] ?? '').startsWith(type))?.body ?? '';
  return { headers: top.headers, text: of('text/plain'), html: of('text/html') };
}

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-methods-email-test' });
const codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
const mails: Mail[] = [];
const refusals = new Map<string, number>();
const uuids = new Set<string>();
let smtp: SMTPServer;
let db: TestDb;
let store: NotificationStore;
let emails: AuthorizedEmailStore;
let attempts: AttemptLog;
let app: DeliveryApp;
let producer: Producer;
let dlq: TailReader;

/** An SMTP server that refuses `busy…` recipients once with 451 and `reject…` always with 550. */
async function startSmtp(): Promise<number> {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      const local = address.address.split('@')[0] ?? '';
      const seen = refusals.get(address.address) ?? 0;
      if (local.startsWith('reject') || (local.startsWith('busy') && seen === 0)) {
        refusals.set(address.address, seen + 1);
        const code = local.startsWith('reject') ? 550 : 451;
        return callback(Object.assign(new Error(code === 550 ? '5.1.1 No such user here' : '4.7.1 Try again later'), { responseCode: code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  return (smtp.server.address() as AddressInfo).port;
}

before(async () => {
  const port = await startSmtp();
  db = await openTestDb('methods_email');
  store = new NotificationStore(db.db);
  await store.ensureIndexes();
  emails = new AuthorizedEmailStore(db.db);
  await emails.ensureIndexes();
  attempts = new AttemptLog(db.db);
  const groupId = `herald-test-email-${randomBytes(4).toString('hex')}`;
  await positionAtEnd(kafka, groupId, [TOPICS.jobs('email'), TOPICS.retry('email', 1), TOPICS.retry('email', 2)]);
  const config = loadConfig({
    ...process.env,
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: db.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '300,600',
    DELIVERY_SESSION_TIMEOUT_MS: '6000',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(port),
    SMTP_SECURE: 'false',
    SMTP_FROM: 'Herald <herald@example.com>',
    EMAIL_MESSAGE_ID_DOMAIN: 'herald.test',
    OPS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  app = createApp(config, createLogger({ service: 'delivery-email', level: process.env['TEST_LOG_LEVEL'] ?? 'warn' }));
  await app.start();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await codec.register(SUBJECTS.jobs('email'), DELIVERY_JOB_SCHEMA);
  dlq = new TailReader(kafka, codec, [TOPICS.dlq('email')], (k) => uuids.has(k));
  await dlq.start();
});

after(async () => {
  await app?.stop();
  await dlq?.stop();
  await producer?.disconnect();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await db?.drop();
});

/** Authorizes and confirms `email` for `repository`, as the config API's flow does. */
async function confirm(repository: string, email: string): Promise<void> {
  const { code } = await emails.request(repository, email);
  assert.ok(code);
  assert.ok(await emails.confirm(code, 60_000));
}

async function emailNotification(event: EventKind, email: string, opts: { confirmed?: boolean } = {}): Promise<NotificationDoc> {
  const repository = `mail-${randomBytes(3).toString('hex')}/app`;
  if (opts.confirmed ?? true) await confirm(repository, email);
  const doc = await store.insert({
    uuid: randomUUID(),
    repository,
    event,
    method: 'email',
    config: { email },
    event_config: {},
    title: 'Team mail',
    signing_secret: '',
    created_by: 'alice',
  });
  uuids.add(doc.uuid);
  return doc;
}

async function publish(n: NotificationDoc, body: Record<string, unknown> = {}): Promise<DeliveryJob> {
  const event = sampleEvent(n.event as EventKind, { repository: n.repository, body }) as RepositoryEvent;
  const job = createDeliveryJob({ event, notificationUuid: n.uuid, method: 'email' });
  await producer.send({ topic: TOPICS.jobs('email'), acks: -1, messages: [{ key: n.uuid, value: codec.encode(SUBJECTS.jobs('email'), job) }] });
  return job;
}

function mailTo(address: string, timeoutMs = 20_000): Promise<Mail> {
  return eventually(() => {
    const m = mails.find((x) => x.to.includes(address));
    assert.ok(m, `no mail to ${address} yet`);
    return m;
  }, timeoutMs);
}

function deadLetter(uuid: string) {
  return eventually(() => {
    const m = dlq.of(uuid);
    assert.equal(m.length, 1);
    return m[0] as (typeof m)[number];
  }, 20_000);
}

test('repo_push, build_failure and vulnerability_found: subject = summary, HTML and text parts', async () => {
  const cases: Array<{ event: EventKind; subject: (repo: string) => string; html: RegExp; text: RegExp }> = [
    { event: 'repo_push', subject: (r) => `Repository ${r} updated`, html: /<b>jdoe<\/b> pushed tags <b>latest<\/b>, <b>v1\.4\.2<\/b> to repository <b><a href="https:\/\/registry\.example\.com\/repository\/mail-\w+\/app">/, text: /\njdoe pushed tags latest, v1\.4\.2 to repository mail-\w+\/app \(https:\/\/registry\.example\.com\/repository\/mail-\w+\/app\)\.\n/ },
    {
      event: 'build_failure',
      subject: (r) => `Build failure for repository ${r} [8c2f6a1]`,
      html: /<b><a href="https:\/\/registry\.example\.com\/repository\/mail-\w+\/app\/build\/8c2f6a1e-[\w-]+">Build 8c2f6a1<\/a><\/b> failed for commit <a href="https:\/\/github\.com\/acme\/webapp\/commit\/42d4a62\w+"><code>42d4a62<\/code><\/a> on branch <b>main<\/b> by <a href="https:\/\/github\.com\/jdoe">jdoe<\/a>.*<br><b>Error:<\/b> Could not pull base image: manifest unknown/,
      text: /\nBuild 8c2f6a1 \(https:.*\) failed for commit 42d4a62 \(https:\/\/github\.com\/.*\) on branch main by jdoe .*\nBump base image to alpine 3\.20\nTags: latest, main\nError: Could not pull base image: manifest unknown\n/,
    },
    {
      event: 'vulnerability_found',
      subject: (r) => `Critical vulnerability detected in repository ${r} in 2 tags`,
      html: /A <b>Critical<\/b> vulnerability, <b><a href="https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2024-6387">CVE-2024-6387<\/a><\/b>, was detected in tags <b>latest<\/b>, <b>v1\.4\.2<\/b>/,
      text: /\nA Critical vulnerability, CVE-2024-6387 \(https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2024-6387\), was detected in tags latest, v1\.4\.2 of repository/,
    },
  ];
  for (const c of cases) {
    const address = `ops-${c.event.replace(/_/g, '-')}-${randomBytes(3).toString('hex')}@example.com`;
    const n = await emailNotification(c.event, address);
    const job = await publish(n);
    const m = await mailTo(address);
    assert.equal(m.from, 'herald@example.com');
    assert.deepEqual(m.to, [address]);
    const mail = parseMail(m.raw);
    assert.equal(mail.headers['subject'], c.subject(n.repository));
    assert.equal(mail.headers['from'], 'Herald <herald@example.com>');
    assert.equal(mail.headers['to'], address);
    assert.equal(mail.headers['message-id'], `<${job.delivery_id}@herald.test>`);
    assert.equal(mail.headers['auto-submitted'], 'auto-generated');
    assert.match(mail.headers['content-type'] ?? '', /^multipart\/alternative;/);
    assert.match(mail.html, c.html, c.event);
    assert.ok(mail.html.includes(`>${c.subject(n.repository)}</h2>`), 'the summary heads the HTML part');
    assert.ok(mail.text.startsWith(`${c.subject(n.repository)}\n`), mail.text);
    assert.match(mail.text, c.text, c.event);
    assert.ok(mail.text.includes(`${address} is authorized for notifications of repository ${n.repository}`));
  }
});

test('event text arrives escaped in the HTML part and cannot inject headers', async () => {
  const address = `inject-${randomBytes(3).toString('hex')}@example.com`;
  const n = await emailNotification('repo_mirror_sync_failed', address);
  await publish(n, { message: '<script>alert(1)</script> <!channel> *bold*\r\nBcc: victim@example.com' });
  const m = await mailTo(address);
  assert.deepEqual(m.to, [address], 'no extra recipient');
  const mail = parseMail(m.raw);
  assert.equal(mail.headers['bcc'], undefined);
  assert.equal(mail.headers['subject'], 'Repository Mirror failed for <script>alert(1)</script> <!channel> *bold* Bcc: victim@example.com');
  assert.ok(!mail.html.includes('<script>') && !mail.html.includes('<!channel>'), mail.html);
  assert.ok(mail.html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; *bold*<br>Bcc: victim@example.com'), mail.html);
  assert.ok(mail.text.includes('<script>alert(1)</script> <!channel> *bold*'), 'plain text keeps the characters, inert');
});

test('an address whose authorization was removed after creation is dead-lettered with the reason, not mailed', async () => {
  const address = `revoked-${randomBytes(3).toString('hex')}@example.com`;
  const n = await emailNotification('repo_push', address);
  assert.equal(await emails.remove(n.repository, address), true);
  const unconfirmedAddress = `pending-${randomBytes(3).toString('hex')}@example.com`;
  const pending = await emailNotification('repo_push', unconfirmedAddress, { confirmed: false });
  await emails.request(pending.repository, unconfirmedAddress);
  await publish(n);
  await publish(pending);
  for (const [doc, to] of [
    [n, address],
    [pending, unconfirmedAddress],
  ] as const) {
    const dead = await deadLetter(doc.uuid);
    assert.equal(header(dead.headers, HEADERS.dlqReason), 'permanent_failure');
    assert.match(header(dead.headers, HEADERS.dlqError) ?? '', new RegExp(`EMAIL_NOT_AUTHORIZED: ${to} is not \\(or no longer\\) authorized and confirmed for ${doc.repository}`));
    const [entry] = await eventually(async () => {
      const l = await attempts.list(doc.uuid);
      assert.equal(l.length, 1);
      return l;
    });
    assert.deepEqual([entry?.outcome, entry?.error_class], ['dead_letter', 'email_unauthorized']);
  }
  assert.equal(mails.filter((m) => m.to.includes(address) || m.to.includes(unconfirmedAddress)).length, 0, 'nothing was sent');
});

test('SMTP 4xx is retried, 5xx is dead-lettered', async () => {
  const busy = `busy-${randomBytes(3).toString('hex')}@example.com`;
  const rejected = `reject-${randomBytes(3).toString('hex')}@example.com`;
  const nBusy = await emailNotification('build_success', busy);
  const nRejected = await emailNotification('build_success', rejected);
  await publish(nBusy);
  await publish(nRejected);
  await mailTo(busy);
  const log = await eventually(async () => {
    const l = await attempts.list(nBusy.uuid);
    assert.equal(l.length, 2);
    return l;
  });
  assert.deepEqual(log.map((l) => l.outcome).reverse(), ['retry', 'success']);
  assert.match(log[1]?.error ?? '', /SMTP 451/);
  const dead = await deadLetter(nRejected.uuid);
  assert.equal(header(dead.headers, HEADERS.dlqReason), 'permanent_failure');
  assert.match(header(dead.headers, HEADERS.dlqError) ?? '', /SMTP_REJECTED: SMTP 550/);
  assert.equal(refusals.get(rejected), 1, 'a 5xx is not retried');
});

test('the alert of a disabled notification is mailed to each address confirmed for its repository, escaped; none confirmed, none sent', async () => {
  const [first, second, pendingAddress] = ['ops', 'dev', 'pending'].map((p) => `${p}-${randomBytes(3).toString('hex')}@example.com`) as [string, string, string];
  // A webhook notification of the repository was disabled (its failed job is the one below).
  const n = await emailNotification('repo_push', first);
  await confirm(n.repository, second);
  await emails.request(n.repository, pendingAddress);
  const hook = { ...n, method: 'webhook' as const, title: '<b>Deploy</b> hook', number_of_failures: 3, disabled: true };
  const failed = createDeliveryJob({ event: sampleEvent('repo_push', { repository: n.repository }) as RepositoryEvent, notificationUuid: n.uuid, method: 'webhook' });
  const job = disabledAlertEmailJob(failed, hook, '3 consecutive failed deliveries; last: HTTP 500 <script>x</script>');
  await producer.send({ topic: TOPICS.jobs('email'), acks: -1, messages: [{ key: n.uuid, value: codec.encode(SUBJECTS.jobs('email'), job) }] });
  for (const to of [first, second]) {
    const mail = parseMail((await mailTo(to)).raw);
    assert.deepEqual((await mailTo(to)).to, [to], 'one mail per address');
    assert.match(decodeMimeWords(mail.headers['subject'] ?? ''), /Notification "<b>Deploy<\/b> hook" of mail-[0-9a-f]+\/app was disabled/);
    assert.match(mail.text, /stopped delivering repo_push events of mail-[0-9a-f]+\/app by webhook .* after 3 failed deliveries/);
    assert.match(mail.text, /Reason: 3 consecutive failed deliveries; last: HTTP 500 <script>x<\/script>/);
    assert.match(mail.html, /Reason: 3 consecutive failed deliveries; last: HTTP 500 &lt;script&gt;x&lt;\/script&gt;/);
    assert.ok(!mail.html.includes('<script>') && !mail.html.includes('<b>Deploy'), 'no markup from the notification or the error');
    assert.equal(mail.headers['x-herald-event'], 'notification_disabled');
  }
  assert.equal(mails.filter((m) => m.to.includes(pendingAddress)).length, 0, 'an unconfirmed address gets nothing');

  // A repository without confirmed addresses: the alert is done (not retried, not dead-lettered), nothing sent.
  const lonely = await emailNotification('repo_push', `x-${randomBytes(3).toString('hex')}@example.com`, { confirmed: false });
  const lonelyJob = disabledAlertEmailJob(createDeliveryJob({ event: sampleEvent('repo_push', { repository: lonely.repository }) as RepositoryEvent, notificationUuid: lonely.uuid, method: 'webhook' }), { ...lonely, method: 'webhook' }, 'gone');
  const since = Date.now() - 1_000;
  await producer.send({ topic: TOPICS.jobs('email'), acks: -1, messages: [{ key: lonely.uuid, value: codec.encode(SUBJECTS.jobs('email'), lonelyJob) }] });
  // The alert's result record says it was handled (attempts run concurrently, so a later job on the
  // same key would not prove that).
  const result = await findMessage(kafka, TOPICS.deliveryResults, async (m) => {
    const r = await codec.decode(m.value, DELIVERY_RESULT_SCHEMA);
    return r.delivery_id === lonelyJob.delivery_id ? r : undefined;
  }, { since });
  assert.equal(result.outcome, 'success', 'the alert is done, not retried or dead-lettered');
  assert.equal(mails.filter((m) => m.to.includes(String(lonely.config['email']))).length, 0, 'nothing was sent');
  assert.equal(dlq.of(lonely.uuid).length, 0);
});
