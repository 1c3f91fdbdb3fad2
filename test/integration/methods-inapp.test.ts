// SPEC §3 in-app (`quay_notification`): one notification per target, listed through the config API
// to the right callers (user by name, team members, org admins); a job delivered twice stores one
// notification; Herald's own alert of a disabled notification reaches its creator and the org.
// Real Kafka, registry and FerretDB; the config API and the in-app service in-process on one database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AttemptLog, disabledAlertJob } from '@herald/delivery';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig, type DeliveryApp } from '@herald/delivery-inapp';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, sampleEvent, SchemaRegistryCodec, SUBJECTS, toQuayPayload, type DeliveryJob, type EventKind, type RepositoryEvent } from '@herald/events';
import { createKafka, TOPICS, type Producer } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { InAppStore } from '@herald/store';
import { NotificationStore } from '@herald/subscriptions';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken, testToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { BROKERS, REGISTRY_URL } from './webhook-fixture.js';
import { positionAtEnd } from '../support/job-reader.js';

interface View {
  id: string;
  kind: string;
  created: string;
  metadata: Record<string, unknown>;
  dismissed: boolean;
  organization: string | null;
  repository: string;
  target: { kind: string; name: string };
}

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-methods-inapp-test' });
const codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
const ns = `acme${randomBytes(3).toString('hex')}`;
const repository = `${ns}/app`;
let api: RunningConfigApi;
let app: DeliveryApp;
let producer: Producer;
let inapp: InAppStore;
let notifications: NotificationStore;
let attempts: AttemptLog;
let admin: string;

before(async () => {
  api = await startConfigApi();
  inapp = new InAppStore(api.db.db);
  notifications = new NotificationStore(api.db.db);
  attempts = new AttemptLog(api.db.db);
  admin = await adminToken(repository, 'alice');
  const groupId = `herald-test-inapp-${randomBytes(4).toString('hex')}`;
  await positionAtEnd(kafka, groupId, [TOPICS.jobs('quay_notification'), TOPICS.retry('quay_notification', 1)]);
  const config = loadConfig({
    ...process.env,
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: api.db.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '300',
    DELIVERY_SESSION_TIMEOUT_MS: '6000',
    OPS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  app = createApp(config, createLogger({ service: 'delivery-inapp', level: process.env['TEST_LOG_LEVEL'] ?? 'warn' }));
  await app.start();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await codec.register(SUBJECTS.jobs('quay_notification'), DELIVERY_JOB_SCHEMA);
});

after(async () => {
  await app?.stop();
  await producer?.disconnect();
  await api?.stop();
});

/** Creates an in-app notification through the config API, as a repository admin would. */
async function create(target: { kind: string; name: string }, event: EventKind = 'repo_push'): Promise<string> {
  const res = await api.request<{ uuid: string }>('POST', `/api/v1/repository/${repository}/notification/`, {
    token: admin,
    body: { event, method: 'quay_notification', config: { target }, eventConfig: {}, title: `to ${target.kind}` },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.uuid;
}

function jobFor(uuid: string, event: EventKind, body: Record<string, unknown> = {}): DeliveryJob {
  const e = sampleEvent(event, { repository, body }) as RepositoryEvent;
  return createDeliveryJob({ event: e, notificationUuid: uuid, method: 'quay_notification' });
}

async function publish(...jobs: DeliveryJob[]): Promise<void> {
  const messages = jobs.map((j) => ({ key: j.notification_uuid, value: codec.encode(SUBJECTS.jobs('quay_notification'), j) }));
  await producer.send({ topic: TOPICS.jobs('quay_notification'), acks: -1, messages });
}

async function listFor(token: string): Promise<View[]> {
  const res = await api.request<{ notifications: View[] }>('GET', '/api/v1/user/notifications', { token });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return res.body.notifications.filter((n) => n.repository === repository);
}

test('user, team and org targets are listed to the right callers, with the event data as JSON', async () => {
  const tags = ['<script>alert(1)</script>', '*bold*&<!channel>'];
  const toUser = await create({ kind: 'user', name: 'carol' });
  const toTeam = await create({ kind: 'team', name: 'owners' });
  const toOrg = await create({ kind: 'org', name: ns });
  const jobs = [jobFor(toUser, 'repo_push', { updated_tags: tags }), jobFor(toTeam, 'repo_push'), jobFor(toOrg, 'repo_push')];
  await publish(...jobs);
  await eventually(async () => assert.equal(await inapp.col.countDocuments({ repository }), 3), 30_000);

  const carol = await testToken('carol');
  const member = await testToken('dave', { teams: [`${ns}/owners`] });
  const orgAdminByClaim = await testToken('erin', { orgs: [ns] });
  const orgAdminByGrant = await testToken('frank', { grants: [`${ns}/*:admin`] });
  const outsider = await testToken('mallory', { teams: ['owners', 'other/owners'], orgs: ['other'] });

  const [mine] = await listFor(carol);
  assert.equal((await listFor(carol)).length, 1);
  assert.deepEqual({ ...mine, id: '', created: '' }, {
    id: '',
    uuid: mine?.id,
    kind: 'repo_push',
    created: '',
    metadata: toQuayPayload(jobs[0]!.event),
    dismissed: false,
    organization: null,
    repository,
    target: { kind: 'user', name: 'carol' },
  });
  assert.deepEqual(mine?.metadata['updated_tags'], tags, 'event text is stored as data, byte for byte, and served as JSON');
  assert.deepEqual((await listFor(member)).map((n) => n.target), [{ kind: 'team', name: `${ns}/owners` }]);
  for (const t of [orgAdminByClaim, orgAdminByGrant]) {
    const got = await listFor(t);
    assert.deepEqual(got.map((n) => [n.target, n.organization]), [[{ kind: 'org', name: ns }, ns]]);
  }
  assert.deepEqual(await listFor(outsider), []);
});

test('the same job delivered twice creates one notification', async () => {
  const uuid = await create({ kind: 'user', name: 'grace' }, 'build_failure');
  const job = jobFor(uuid, 'build_failure');
  await publish(job);
  await publish(job);
  await eventually(async () => {
    const log = await attempts.list(uuid);
    assert.deepEqual(log.map((l) => l.outcome), ['success', 'success']);
  }, 30_000);
  assert.equal(await inapp.col.countDocuments({ delivery_id: job.delivery_id }), 1);
  const grace = await listFor(await testToken('grace'));
  assert.equal(grace.length, 1);
  assert.equal(grace[0]?.kind, 'build_failure');
});

test('a disabled-notification alert reaches the notification’s creator and the namespace’s admins', async () => {
  const uuid = await create({ kind: 'user', name: 'grace' }, 'repo_push');
  const doc = await notifications.disable(uuid, 'test: endpoint failing');
  assert.ok(doc);
  const alert = disabledAlertJob(jobFor(uuid, 'repo_push'), doc, 'endpoint answered 500');
  await publish(alert);
  await eventually(async () => assert.equal(await inapp.col.countDocuments({ delivery_id: alert.delivery_id }), 2), 30_000);
  const creator = (await listFor(admin)).filter((n) => n.kind === 'notification_disabled');
  assert.equal(creator.length, 1);
  assert.equal(creator[0]?.target.name, 'alice');
  assert.equal(creator[0]?.metadata['notification_uuid'], uuid);
  assert.equal(creator[0]?.metadata['reason'], 'endpoint answered 500');
  const orgAdmin = (await listFor(await testToken('ivan', { orgs: [ns] }))).filter((n) => n.kind === 'notification_disabled');
  assert.deepEqual(orgAdmin.map((n) => n.target), [{ kind: 'org', name: ns }]);
});
