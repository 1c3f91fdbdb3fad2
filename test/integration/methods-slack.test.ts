// SPEC §3 Slack: the exact request per event kind, event text escaped for mrkdwn, secrets never
// logged, and 410 from Slack (an archived channel) disables. Real Kafka, registry and FerretDB; a
// real HTTP server on loopback stands in for Slack's incoming webhooks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig, type DeliveryApp } from '@herald/delivery-slack';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, sampleEvent, SchemaRegistryCodec, SUBJECTS, type DeliveryJob, type EventKind, type RepositoryEvent } from '@herald/events';
import { createKafka, HEADERS, TOPICS, type Producer } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { BROKERS, header, positionAtEnd, REGISTRY_URL, startReceiver, TailReader, type Receiver } from './webhook-fixture.js';

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-methods-slack-test' });
const codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
const logs = new PassThrough();
const logLines: string[] = [];
logs.on('data', (c: Buffer) => logLines.push(c.toString('utf8')));
const uuids = new Set<string>();
let db: TestDb;
let store: NotificationStore;
let app: DeliveryApp;
let producer: Producer;
let rx: Receiver;
let dlq: TailReader;

before(async () => {
  rx = await startReceiver();
  db = await openTestDb('methods_slack');
  store = new NotificationStore(db.db);
  await store.ensureIndexes();
  const groupId = `herald-test-slack-${randomBytes(4).toString('hex')}`;
  await positionAtEnd(kafka, groupId, [TOPICS.jobs('slack'), TOPICS.retry('slack', 1)]);
  const config = loadConfig({
    ...process.env,
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: db.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '200',
    DELIVERY_SESSION_TIMEOUT_MS: '6000',
    SLACK_ALLOW_LIST: '127.0.0.1',
    OPS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  // Debug level, so that every log record the service can write is checked for secrets.
  app = createApp(config, createLogger({ service: 'delivery-slack', level: 'debug', destination: logs }));
  await app.start();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await codec.register(SUBJECTS.jobs('slack'), DELIVERY_JOB_SCHEMA);
  dlq = new TailReader(kafka, codec, [TOPICS.dlq('slack')], (k) => uuids.has(k));
  await dlq.start();
});

after(async () => {
  await app?.stop();
  await dlq?.stop();
  await producer?.disconnect();
  await rx?.close();
  await db?.drop();
});

/** A Slack notification whose URL is a secret path on the local receiver. */
async function slackNotification(event: EventKind, secretPath = `/services/T0/B0/${randomBytes(12).toString('hex')}`): Promise<NotificationDoc> {
  const doc = await store.insert({
    uuid: randomUUID(),
    repository: `slack-${randomBytes(3).toString('hex')}/app`,
    event,
    method: 'slack',
    config: { url: `${rx.url}${secretPath}` },
    event_config: {},
    title: null,
    signing_secret: '',
    created_by: 'alice',
  });
  uuids.add(doc.uuid);
  return doc;
}

async function publish(n: NotificationDoc, body: Record<string, unknown> = {}): Promise<DeliveryJob> {
  const event = sampleEvent(n.event as EventKind, { repository: n.repository, body }) as RepositoryEvent;
  const job = createDeliveryJob({ event, notificationUuid: n.uuid, method: 'slack' });
  await producer.send({ topic: TOPICS.jobs('slack'), acks: -1, messages: [{ key: n.uuid, value: codec.encode(SUBJECTS.jobs('slack'), job) }] });
  return job;
}

async function requestTo(path: string) {
  return eventually(() => {
    const r = rx.requests.find((q) => q.url === path);
    assert.ok(r, `no request to ${path} yet`);
    return r;
  }, 20_000);
}

test('repo_push, build_failure and vulnerability_found arrive exactly as SPEC §3 describes', async () => {
  const cases: Array<{ event: EventKind; summary: (repo: string) => string; color: string; text: RegExp }> = [
    { event: 'repo_push', summary: (r) => `Repository ${r} updated`, color: 'good', text: /^\*jdoe\* pushed tags \*latest\*, \*v1\.4\.2\* to repository \*<https:\/\/registry\.example\.com\/repository\/slack-\w+\/app\|slack-\w+\/app>\*\.$/ },
    {
      event: 'build_failure',
      summary: (r) => `Build failure for repository ${r} [8c2f6a1]`,
      color: 'danger',
      text: /^\*<https:\/\/registry\.example\.com\/repository\/slack-\w+\/app\/build\/8c2f6a1e-[\w-]+\|Build 8c2f6a1>\* failed for commit <https:\/\/github\.com\/acme\/webapp\/commit\/42d4a62\w+\|42d4a62> on branch \*main\* by <https:\/\/github\.com\/jdoe\|jdoe> in repository .*\n_Bump base image to alpine 3\.20_\nTags: \*latest\*, \*main\*\n\*Error:\* Could not pull base image: manifest unknown$/,
    },
    {
      event: 'vulnerability_found',
      summary: (r) => `Critical vulnerability detected in repository ${r} in 2 tags`,
      color: 'danger',
      text: /^A \*Critical\* vulnerability, \*<https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2024-6387\|CVE-2024-6387>\*, was detected in tags \*latest\*, \*v1\.4\.2\* of repository .*\nA signal handler race condition .*\nA fix is available\.$/,
    },
  ];
  for (const c of cases) {
    const path = `/services/T0/B0/${c.event}-${randomBytes(6).toString('hex')}`;
    const n = await slackNotification(c.event, path);
    await publish(n);
    const r = await requestTo(path);
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(r.body) as { text: string; username: string; attachments: Array<Record<string, unknown>> };
    const summary = c.summary(n.repository);
    assert.deepEqual(Object.keys(body), ['text', 'username', 'attachments'], c.event);
    assert.equal(body.text, summary);
    assert.equal(body.username, 'Herald');
    assert.equal(body.attachments.length, 1);
    const [a] = body.attachments;
    assert.deepEqual(Object.keys(a ?? {}), ['fallback', 'text', 'color', 'mrkdwn_in']);
    assert.equal(a?.['fallback'], summary);
    assert.equal(a?.['color'], c.color);
    assert.deepEqual(a?.['mrkdwn_in'], ['text']);
    assert.match(String(a?.['text']), c.text, c.event);
  }
});

test('HTML and mrkdwn control characters in event text arrive escaped', async () => {
  const path = `/services/T0/B0/inject-${randomBytes(6).toString('hex')}`;
  const n = await slackNotification('build_failure', path);
  await publish(n, {
    docker_tags: ['<script>alert(1)</script>'],
    error_message: '<!channel> <http://evil|click> *bold* & done',
    trigger_metadata: { ref: 'refs/heads/main', commit: '42d4a62c53350993ea41069e9f2cfdefb0df097d', commit_info: { message: '<@U024BE7LH> _hi_ <!here>' } },
  });
  const r = await requestTo(path);
  for (const raw of ['<script>', '<!channel>', '<http://evil', '<@U024', '<!here>']) assert.ok(!r.body.includes(raw), `${raw} arrived raw: ${r.body}`);
  const text = String((JSON.parse(r.body) as { attachments: Array<{ text: string }> }).attachments[0]?.text);
  assert.ok(text.includes('*&lt;script&gt;alert(1)&lt;/script&gt;*'), text);
  assert.ok(text.includes('&lt;!channel&gt; &lt;http://evil|click&gt; \u200b*\u200bbold\u200b*\u200b &amp; done'), text);
  assert.ok(text.includes('_&lt;@U024BE7LH&gt; \u200b_\u200bhi\u200b_\u200b &lt;!here&gt;_'), text);
});

test('410 Gone (an archived channel) dead-letters at once and disables the notification', async () => {
  const path = `/services/T0/B0/gone-${randomBytes(6).toString('hex')}`;
  rx.respond((q) => ({ status: q.url === path ? 410 : 200 }));
  const n = await slackNotification('repo_push', path);
  await publish(n);
  const dead = await eventually(() => {
    const m = dlq.of(n.uuid);
    assert.equal(m.length, 1);
    return m[0];
  }, 20_000);
  assert.equal(header(dead?.headers ?? {}, HEADERS.dlqReason), 'permanent_failure');
  await eventually(async () => assert.equal((await store.get(n.uuid))?.disabled, true), 20_000);
  rx.respond(() => ({ status: 200 }));
});

test('Slack URLs never appear in the logs', async () => {
  const all = logLines.join('');
  assert.ok(all.includes('delivery-slack started'), 'the service logged');
  for (const n of await store.col.find({}).toArray()) {
    const url = String(n.config['url']);
    assert.ok(!all.includes(new URL(url).pathname), `${url} was logged`);
  }
});
