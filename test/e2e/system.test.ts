import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EVENT_KINDS, sampleEvent } from '@herald/events';
import { createKafka, DELIVERY_METHODS } from '@herald/kafka';
import { confirmByLink, ensureStack, seedDemo } from '@herald/infra';
import { createEventPublisher } from '@herald/producer';
import { ROOT } from '@herald/testing';
import { eventually } from '../helpers/wait.js';
import { SystemFixture } from '../support/system-fixture.js';

// The whole system as deployed: every service its own process, real Kafka, registry and FerretDB;
// an admin configures through the API, the registry side publishes with the emit CLI.
// Every receiver here is one loopback server (one destination): with circuit breakers on, the
// flaky receiver's failures would open the breaker of all of them and its jobs would wait out the
// back-off instead of being counted (delivery-protection.test.ts covers breakers); this test is about
// disabling after failed deliveries.
const sys = new SystemFixture({ DELIVERY_RETRY_DELAYS_MS: '300,300', BREAKER_FAILURES: '0' });
const repository = sys.repository;
const mails = sys.mails;
let inbox: SystemFixture['inbox'];
let apiUrl = '';
let token = '';
const api = <T = unknown>(method: string, path: string, body?: unknown) => sys.api<T>(method, path, body);

before(async () => {
  await sys.start();
  ({ inbox, apiUrl, token } = sys);
});

after(() => sys.stop());

test('one notification per method through the API; every event kind via the emit CLI; each delivery arrives with the right content', async () => {
  const confirm = async () => {
    const link = await eventually(() => {
      const text = mails.map((m) => m.raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=')).join('\n');
      const found = /(https?:\/\/[^\s"<>]+\/authrepoemail\?code=[A-Za-z0-9_-]+)/.exec(text)?.[1];
      assert.ok(found, 'confirmation mail');
      return found;
    }, 20_000);
    assert.equal((await confirmByLink(link)).status, 200);
  };
  const t0 = Date.now();
  const mark = (what: string) => console.log(`e2e: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const created = await seedDemo(apiUrl, token, inbox.url, confirm, repository);
  assert.deepEqual(created.sort(), [...DELIVERY_METHODS].sort());
  mark('seeded');

  // The registry side: every event kind through the emit CLI, from one JSONL file.
  const dir = mkdtempSync(join(tmpdir(), 'herald-e2e-'));
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, EVENT_KINDS.map((k) => JSON.stringify(sampleEvent(k, { repository }))).join('\n') + '\n');
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'herald.mjs'), 'emit', '--file', file], { cwd: ROOT });
  assert.equal(stdout.trim().split('\n').length, EVENT_KINDS.length, stdout);
  mark('emitted');

  const byReceiver = (r: string) => inbox.received.filter((x) => x.receiver === r);
  await eventually(() => {
    for (const r of ['webhook', 'slack', 'flowdock', 'hipchat']) assert.equal(byReceiver(r).length, 1, `${r} deliveries`);
    assert.ok(mails.some((m) => /Subject: Build failure for repository/.test(m.raw)), 'build failure mail');
  }, 60_000, 200);
  mark('delivered');

  const webhook = JSON.parse(byReceiver('webhook')[0]!.body) as Record<string, unknown>;
  assert.equal(webhook['repository'], repository);
  assert.deepEqual(webhook['updated_tags'], sampleEvent('repo_push').body.updated_tags);
  assert.ok(byReceiver('webhook')[0]!.headers['webhook-signature']?.startsWith('v1,'));
  const slack = JSON.parse(byReceiver('slack')[0]!.body) as { text: string; attachments: { color: string }[] };
  assert.match(slack.text, new RegExp(`Critical vulnerability detected in repository ${repository}`));
  assert.equal(slack.attachments[0]?.color, 'danger');
  const flowdock = JSON.parse(byReceiver('flowdock')[0]!.body) as { subject: string; tags: string[] };
  assert.equal(flowdock.subject, `Build succeeded for repository ${repository} [${sampleEvent('build_success').body.build_id.slice(0, 7)}]`);
  assert.deepEqual(flowdock.tags, ['#build_success']);
  const hipchat = JSON.parse(byReceiver('hipchat')[0]!.body) as { color: string; notify: boolean };
  assert.equal(hipchat.color, 'red');
  assert.equal(hipchat.notify, true);
  assert.equal(byReceiver('hipchat')[0]!.path, '/hipchat/v2/room/42/notification');

  const inapp = await eventually(async () => {
    const res = await api<{ notifications: { kind: string; metadata?: Record<string, unknown> }[] }>('GET', '/api/v1/user/notifications');
    const push = res.body.notifications.find((n) => n.kind === 'repo_push' && n.metadata?.['repository'] === repository);
    assert.ok(push, 'in-app repo_push');
    return push;
  }, 30_000, 200);
  assert.deepEqual(inapp.metadata?.['updated_tags'], sampleEvent('repo_push').body.updated_tags);
});

test('a webhook that keeps failing ends disabled with an in-app alert; reset re-enables it', async () => {
  let failing = true;
  inbox.statusFor = (path) => (path.startsWith('/flaky') && failing ? 500 : 200);
  const res = await api<{ uuid: string }>('POST', `/api/v1/repository/${repository}/notification/`, {
    title: 'flaky receiver',
    event: 'repo_mirror_sync_started',
    method: 'webhook',
    config: { url: `${inbox.url}/flaky` },
    eventConfig: {},
  });
  assert.equal(res.status, 201);
  const uuid = res.body.uuid;
  const stack = await ensureStack();
  const publisher = createEventPublisher({ kafka: createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-e2e-pub' }), registryUrl: stack.registryUrl });
  await publisher.connect();
  try {
    // Three deliveries, each failing its attempt and both retries, are three failed deliveries.
    for (let i = 0; i < 3; i++) await publisher.publish(sampleEvent('repo_mirror_sync_started', { repository, body: { message: `attempt ${i}` } }));
    const disabled = await eventually(async () => {
      const n = await api<{ disabled: boolean; number_of_failures: number }>('GET', `/api/v1/repository/${repository}/notification/${uuid}`);
      assert.equal(n.body.disabled, true, JSON.stringify(n.body));
      return n.body;
    }, 60_000, 300);
    assert.equal(disabled.number_of_failures, 3);
    await eventually(async () => {
      const list = await api<{ notifications: { kind: string; metadata?: Record<string, unknown> }[] }>('GET', '/api/v1/user/notifications');
      assert.ok(list.body.notifications.some((n) => n.kind === 'notification_disabled' && JSON.stringify(n).includes(uuid)), 'in-app alert');
    }, 30_000, 300);

    failing = false;
    assert.equal((await api('POST', `/api/v1/repository/${repository}/notification/${uuid}`, {})).status, 204);
    const after = await api<{ disabled: boolean; number_of_failures: number }>('GET', `/api/v1/repository/${repository}/notification/${uuid}`);
    assert.equal(after.body.disabled, false);
    assert.equal(after.body.number_of_failures, 0);
    const before = inbox.received.filter((r) => r.path === '/flaky' && r.body.includes('after reset')).length;
    await publisher.publish(sampleEvent('repo_mirror_sync_started', { repository, body: { message: 'after reset' } }));
    await eventually(() => assert.equal(inbox.received.filter((r) => r.path === '/flaky' && r.body.includes('after reset')).length, before + 1), 30_000, 200);
  } finally {
    await publisher.disconnect();
  }
});
