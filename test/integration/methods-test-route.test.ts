// SPEC §5 "test notification", end to end: for every event kind × every method, the config API's
// test route sends the kind's sample data through Kafka and the real delivery service, and it arrives
// exactly once — at an HTTP receiver (webhook, Slack, Flowdock, HipChat), the SMTP server (e-mail),
// or the in-app notification area. Real Kafka, registry and FerretDB; every service in-process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
// Tests start services in-process through their app factories (and only those).
import * as email from '@herald/delivery-email';
import * as flowdock from '@herald/delivery-flowdock';
import * as hipchat from '@herald/delivery-hipchat';
import * as inapp from '@herald/delivery-inapp';
import * as slack from '@herald/delivery-slack';
import * as webhook from '@herald/delivery-webhook';
import { EVENT_KINDS, sampleEvent, type EventKind } from '@herald/events';
import { createKafka, DELIVERY_METHODS, TOPICS, type DeliveryMethod } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { summary } from '@herald/render';
import { InAppStore } from '@herald/store';
import { confirmByLink } from '@herald/infra';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { BROKERS, REGISTRY_URL, sleep, startReceiver, type Receiver } from './webhook-fixture.js';
import { positionAtEnd } from '../support/job-reader.js';

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-methods-test-route' });
const ns = `tr${randomBytes(3).toString('hex')}`;
const repository = `${ns}/app`;
const MAIL_TO = 'ops@example.com';
const LOG_LEVEL = process.env['TEST_LOG_LEVEL'] ?? 'warn';
const stops: Array<() => Promise<void>> = [];
let api: RunningConfigApi;
let rx: Receiver;
let admin: string;

interface Service {
  createApp(config: never, logger: ReturnType<typeof createLogger>): { start(): Promise<void>; stop(): Promise<void> };
  loadConfig(env: NodeJS.ProcessEnv): unknown;
}

/** Starts one delivery service on the config API's database, reading only jobs published from now on. */
async function startDelivery(name: string, method: DeliveryMethod, svc: Service, env: Record<string, string>): Promise<void> {
  const groupId = `herald-test-route-${name}-${randomBytes(4).toString('hex')}`;
  await positionAtEnd(kafka, groupId, [TOPICS.jobs(method), TOPICS.retry(method, 1)]);
  const config = svc.loadConfig({
    ...process.env,
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: api.db.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '500',
    DELIVERY_SESSION_TIMEOUT_MS: '6000',
    OPS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
    LOG_LEVEL,
    ...env,
  });
  const app = svc.createApp(config as never, createLogger({ service: `delivery-${name}`, level: LOG_LEVEL }));
  await app.start();
  stops.push(() => app.stop());
}

before(async () => {
  api = await startConfigApi();
  rx = await startReceiver();
  admin = await adminToken(repository, 'alice');
  await Promise.all([
    startDelivery('webhook', 'webhook', webhook, { WEBHOOK_ALLOW_LIST: '127.0.0.1' }),
    startDelivery('slack', 'slack', slack, { SLACK_ALLOW_LIST: '127.0.0.1' }),
    startDelivery('flowdock', 'flowdock', flowdock, { FLOWDOCK_ALLOW_LIST: '127.0.0.1', FLOWDOCK_API_URL: `${rx.url}/flowdock` }),
    startDelivery('hipchat', 'hipchat', hipchat, { HIPCHAT_ALLOW_LIST: '127.0.0.1', HIPCHAT_API_URL: `${rx.url}/hipchat` }),
    startDelivery('email', 'email', email, { SMTP_HOST: api.smtp.host, SMTP_PORT: String(api.smtp.port), SMTP_SECURE: 'false', SMTP_FROM: 'Herald <herald@example.com>' }),
    startDelivery('inapp', 'quay_notification', inapp, {}),
  ]);
});

after(async () => {
  for (const stop of stops) await stop().catch(() => undefined);
  await rx?.close();
  await api?.stop();
});

/** Authorizes MAIL_TO for the repository through the API and the link in the confirmation mail. */
async function authorizeEmail(): Promise<void> {
  const res = await api.request('POST', `/api/v1/repository/${repository}/authorizedemail/${MAIL_TO}`, { token: admin });
  assert.equal(res.status, 200, res.text);
  const mail = await api.smtp.waitFor((m) => m.to.includes(MAIL_TO) && m.decoded.includes('authrepoemail?code='));
  const link = /https?:\/\/\S+?authrepoemail\?code=[A-Za-z0-9%_-]+/.exec(mail.decoded)?.[0];
  assert.ok(link, 'confirmation link');
  const confirmed = await confirmByLink(api.url + new URL(link).pathname + new URL(link).search);
  assert.equal(confirmed.status, 200, confirmed.text);
}

/** The config of the notification for (kind, method), pointing at this test's receivers. */
function methodConfig(kind: EventKind, method: DeliveryMethod, i: number): Record<string, unknown> {
  switch (method) {
    case 'webhook':
      return { url: `${rx.url}/webhook/${kind}` };
    case 'slack':
      return { url: `${rx.url}/slack/${kind}` };
    case 'flowdock':
      return { flow_api_token: `fd-${kind}` };
    case 'hipchat':
      return { room_id: String(1000 + i), notification_token: `hc-${kind}` };
    case 'email':
      return { email: MAIL_TO };
    case 'quay_notification':
      return { target: { kind: 'user', name: `u-${kind}` } };
  }
}

/** The receiver path each HTTP method's test delivery must arrive at. */
function pathOf(kind: EventKind, method: DeliveryMethod, i: number): string | undefined {
  switch (method) {
    case 'webhook':
      return `/webhook/${kind}`;
    case 'slack':
      return `/slack/${kind}`;
    case 'flowdock':
      return `/flowdock/v1/messages/team_inbox/fd-${kind}`;
    case 'hipchat':
      return `/hipchat/v2/room/${1000 + i}/notification?auth_token=hc-${kind}`;
    default:
      return undefined;
  }
}

test('the test route delivers sample data for every event kind × method, each exactly once', async () => {
  await authorizeEmail();
  const store = new InAppStore(api.db.db);
  const created: Array<{ kind: EventKind; method: DeliveryMethod; uuid: string; i: number }> = [];
  for (const [i, kind] of EVENT_KINDS.entries()) {
    for (const method of DELIVERY_METHODS) {
      const res = await api.request<{ uuid: string }>('POST', `/api/v1/repository/${repository}/notification/`, {
        token: admin,
        body: { event: kind, method, config: methodConfig(kind, method, i), eventConfig: kind === 'repo_image_expiry' ? { days: 7 } : kind === 'vulnerability_found' ? { level: 1 } : {}, title: `${kind} by ${method}` },
      });
      assert.equal(res.status, 201, `${kind}/${method}: ${res.text}`);
      created.push({ kind, method, uuid: res.body.uuid, i });
    }
  }
  for (const c of created) {
    const res = await api.request('POST', `/api/v1/repository/${repository}/notification/${c.uuid}/test`, { token: admin });
    assert.ok(res.status >= 200 && res.status < 300, `${c.kind}/${c.method}: ${res.status} ${res.text}`);
  }

  const http = created.filter((c) => pathOf(c.kind, c.method, c.i) !== undefined);
  const notificationMails = () => api.smtp.messages.filter((m) => m.to.includes(MAIL_TO) && !m.decoded.includes('authrepoemail?code='));
  await eventually(async () => {
    assert.equal(rx.requests.length, http.length, `HTTP deliveries ${rx.requests.length}/${http.length}`);
    assert.equal(notificationMails().length, EVENT_KINDS.length, `mails ${notificationMails().length}`);
    assert.equal(await store.col.countDocuments({ repository }), EVENT_KINDS.length, 'in-app');
  }, 120_000, 200);
  await sleep(2_000); // duplicates would show up by now

  const paths = rx.requests.map((r) => r.url).sort();
  assert.deepEqual(paths, http.map((c) => pathOf(c.kind, c.method, c.i)).sort(), 'each HTTP delivery once, to its own endpoint');
  for (const c of created.filter((x) => x.method === 'webhook')) {
    const r = rx.requests.find((q) => q.url === `/webhook/${c.kind}`);
    const body = JSON.parse(r?.body ?? '{}') as Record<string, unknown>;
    // Quota events are namespace events in Quay: namespace and its page, no repository.
    if (c.kind === 'quota_warning' || c.kind === 'quota_error') assert.deepEqual([body['namespace'], 'repository' in body], [repository.split('/')[0], false], c.kind);
    else assert.equal(body['repository'], repository, c.kind);
    if (c.kind === 'repo_image_expiry') assert.equal(body['notification_uuid'], c.uuid);
    // Built from the notification's settings, as Quay's test notifications are.
    if (c.kind === 'repo_image_expiry') assert.equal(body['expiring_in'], '7 days');
    if (c.kind === 'vulnerability_found') assert.equal((body['vulnerability'] as { priority: string }).priority, 'High');
  }
  const subjects = notificationMails().map((m) => m.subject).sort();
  const vulnerability = { ...sampleEvent('vulnerability_found').body.vulnerability, priority: 'High' as const };
  const expected = EVENT_KINDS.map((k) => summary(k === 'vulnerability_found' ? sampleEvent(k, { repository, body: { vulnerability } }) : sampleEvent(k, { repository }))).sort();
  assert.deepEqual(subjects, expected, 'one mail per kind, subject = summary');
  for (const kind of EVENT_KINDS) {
    const docs = await store.col.find({ 'target.name': `u-${kind}` }).toArray();
    assert.deepEqual(docs.map((d) => d.kind), [kind], `in-app ${kind}`);
  }
});
