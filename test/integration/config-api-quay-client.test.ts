// A client written against Quay's API shapes works unchanged; secrets are returned once and masked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DELIVERY_JOB_SCHEMA, SchemaRegistryCodec, type DeliveryJob } from '@herald/events';
import { TOPICS } from '@herald/kafka';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { findMessage, testKafka, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';
import { adminToken } from '../helpers/tokens.js';

/** The calls Quay's UI and API clients make, exactly in Quay's shapes. */
class QuayStyleClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.base}/api/v1/repository/${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async create(repo: string, n: { event: string; method: string; config: object; eventConfig: object; title?: string }) {
    const res = await this.call('POST', `${repo}/notification/`, n);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Record<string, unknown>;
  }

  async list(repo: string) {
    const res = await this.call('GET', `${repo}/notification/`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { notifications: Array<Record<string, unknown>> }).notifications;
  }

  async get(repo: string, uuid: string) {
    const res = await this.call('GET', `${repo}/notification/${uuid}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  }

  async reset(repo: string, uuid: string) {
    // Quay's UI posts an empty body with a JSON content type.
    const res = await this.call('POST', `${repo}/notification/${uuid}`);
    assert.equal(res.status, 204, await res.clone().text());
  }

  async test(repo: string, uuid: string) {
    const res = await this.call('POST', `${repo}/notification/${uuid}/test`, {});
    assert.equal(res.status, 200, await res.clone().text());
    // Quay answers `{}`; Herald adds the delivery id as a header.
    assert.deepEqual(await res.json(), {});
    return { delivery_id: res.headers.get('x-herald-delivery-id') ?? '' };
  }

  async remove(repo: string, uuid: string) {
    const res = await this.call('DELETE', `${repo}/notification/${uuid}`);
    assert.equal(res.status, 204);
  }
}

const REPO = 'quay/team/app';
let api: RunningConfigApi;
let quay: QuayStyleClient;

before(async () => {
  api = await startConfigApi();
  quay = new QuayStyleClient(api.url, await adminToken(REPO));
});
after(async () => {
  await api?.stop();
});

test('create with eventConfig, list reading event_config, reset by POST, test, delete', async () => {
  const created = await quay.create(REPO, {
    event: 'build_success',
    method: 'webhook',
    config: { url: 'https://ci:hunter2@hooks.example.com/quay?token=abc' },
    eventConfig: { 'ref-regex': 'refs/heads/(main|release-.*)' },
    title: 'CI hook',
  });
  const uuid = created['uuid'] as string;
  for (const k of ['uuid', 'title', 'event', 'method', 'config', 'event_config', 'number_of_failures']) assert.ok(k in created, k);
  assert.deepEqual(created['event_config'], { 'ref-regex': 'refs/heads/(main|release-.*)' });
  assert.match(created['signing_secret'] as string, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from((created['signing_secret'] as string).slice(6), 'base64').length, 32);

  const listed = await quay.list(REPO);
  assert.equal(listed.length, 1);
  const item = listed[0] as Record<string, unknown>;
  assert.deepEqual(item['event_config'], { 'ref-regex': 'refs/heads/(main|release-.*)' });
  assert.equal(item['number_of_failures'], 0);
  assert.equal(item['title'], 'CI hook');
  assert.equal((item['config'] as { url: string }).url, 'https://****:****@hooks.example.com/quay?token=****', 'listing masks credentials');
  assert.ok(!('signing_secret' in item), 'no signing secret after creation');

  const single = await quay.get(REPO, uuid);
  assert.equal((single['config'] as { url: string }).url, 'https://ci:hunter2@hooks.example.com/quay?token=abc', 'admin single read unmasked');
  assert.ok(!('signing_secret' in single));

  // A notification that failed and was disabled is reset by POST on its uuid.
  await api.db.db.collection('notifications').updateOne({ uuid }, { $set: { number_of_failures: 3, disabled: true, disabled_reason: 'failures' } });
  assert.equal((await quay.get(REPO, uuid))['number_of_failures'], 3);
  await quay.reset(REPO, uuid);
  const reset = await quay.get(REPO, uuid);
  assert.equal(reset['number_of_failures'], 0);
  assert.equal(reset['disabled'], false);

  const since = Date.now();
  const { delivery_id } = await quay.test(REPO, uuid);
  const codec = new SchemaRegistryCodec({ url: TEST_SCHEMA_REGISTRY_URL });
  const job = await findMessage<DeliveryJob>(testKafka(), TOPICS.jobs('webhook'), async (m) => {
    if (m.key?.toString() !== uuid) return undefined;
    const j = await codec.decode(m.value, DELIVERY_JOB_SCHEMA);
    return j.delivery_id === delivery_id ? j : undefined;
  }, { since });
  assert.equal(job.test, true);
  assert.equal(job.notification_uuid, uuid);
  assert.equal(job.method, 'webhook');
  assert.equal(job.kind, 'build_success');
  assert.equal(job.repository, REPO);
  assert.equal(job.event.repository, REPO);
  assert.ok(!JSON.stringify(job).includes('hunter2'), 'no secrets on Kafka');

  await quay.remove(REPO, uuid);
  assert.deepEqual(await quay.list(REPO), []);
});

test('other methods: secrets masked in listings, shown to the admin on a single read', async () => {
  const slack = await quay.create(REPO, { event: 'repo_push', method: 'slack', config: { url: 'https://hooks.slack.com/services/T0/B0/SECRET' }, eventConfig: {} });
  const hip = await quay.create(REPO, { event: 'repo_push', method: 'hipchat', config: { room_id: '42', notification_token: 'hip-secret' }, eventConfig: {} });
  const flow = await quay.create(REPO, { event: 'repo_push', method: 'flowdock', config: { flow_api_token: 'flow-secret' }, eventConfig: {} });
  const inapp = await quay.create(REPO, {
    event: 'vulnerability_found',
    method: 'quay_notification',
    config: { target: { kind: 'org', name: 'quay', avatar: { name: 'quay' } } },
    eventConfig: { level: '1' },
  });
  const listed = await quay.list(REPO);
  const text = JSON.stringify(listed);
  for (const secret of ['SECRET', 'hip-secret', 'flow-secret', 'whsec_']) assert.ok(!text.includes(secret), `listing leaks ${secret}`);
  const byId = new Map(listed.map((n) => [n['uuid'], n]));
  assert.deepEqual(byId.get(slack['uuid'])?.['config'], { url: 'https://hooks.slack.com/****' });
  assert.deepEqual(byId.get(hip['uuid'])?.['config'], { room_id: '42', notification_token: '****' });
  assert.deepEqual(byId.get(flow['uuid'])?.['config'], { flow_api_token: '****' });
  assert.deepEqual(byId.get(inapp['uuid'])?.['config'], { target: { kind: 'org', name: 'quay' } });
  assert.deepEqual(byId.get(inapp['uuid'])?.['event_config'], { level: '1' });
  assert.deepEqual((await quay.get(REPO, hip['uuid'] as string))['config'], { room_id: '42', notification_token: 'hip-secret' });
  // Test route for a non-webhook method goes to that method's topic.
  const { delivery_id } = await quay.test(REPO, inapp['uuid'] as string);
  assert.match(delivery_id, /^[0-9a-f-]{36}$/);
});
