import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { TEST_KAFKA_BROKERS, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';
import { eventually } from '../helpers/wait.js';
import { uniqueRepo } from '../support/router-fixture.js';
import { WebhookPipeline } from '../support/webhook-pipeline.js';
import { startReceiver, type Receiver } from './webhook-fixture.js';

// Issue 17, quota events: `herald emit quota_warning|quota_error` → router → webhook, with the body
// Quay sends for its namespace quota notifications (build_namespace_event_data + the quota fields).
const HERALD = new URL('../../scripts/herald.mjs', import.meta.url).pathname;
const px = new WebhookPipeline();
const repo = uniqueRepo('quota');
const namespace = repo.split('/')[0]!;
let rx: Receiver;
const secrets = new Map<string, string>();

before(async () => {
  await px.setup();
  rx = await startReceiver();
  for (const event of ['quota_warning', 'quota_error']) {
    const doc = await px.notify(repo, event, `${rx.url}/${event}`);
    secrets.set(`/${event}`, doc.signing_secret);
  }
  await px.start();
});

after(async () => {
  await px.teardown();
  await rx?.close();
});

/** `herald emit <args>` as a registry would run it, against the stack. */
function emit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERALD, 'emit', ...args], {
      env: { ...process.env, KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','), SCHEMA_REGISTRY_URL: TEST_SCHEMA_REGISTRY_URL },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('quota_warning and quota_error emitted by the CLI reach their webhooks as Quay namespace events', async () => {
  const host = ['--registry-host', 'quay.example.com'];
  const warning = await emit(['quota_warning', '-r', repo, '--usage-bytes', '858993459', '--limit-bytes', '1073741824', '--threshold', '80', ...host]);
  assert.equal(warning.code, 0, warning.stderr);
  const error = await emit(['quota_error', '-r', repo, '--usage-bytes', '1181116007', '--limit-bytes', '1073741824', ...host]);
  assert.equal(error.code, 0, error.stderr);
  await rx.waitFor(2, 30_000);
  const byPath = new Map(rx.requests.map((r) => [r.url, r]));
  const body = (path: string) => JSON.parse(byPath.get(path)?.body ?? 'null') as Record<string, unknown>;
  const homepage = `https://quay.example.com/organization/${namespace}`;
  assert.deepEqual(body('/quota_warning'), {
    namespace,
    homepage,
    threshold_percent: 80,
    usage_bytes: 858993459,
    limit_bytes: 1073741824,
    usage_percent: 79,
    usage_bytes_formatted: '819.20 MB',
    limit_bytes_formatted: '1.00 GB',
  });
  // Keys in Quay's order (build_namespace_event_data, then the producer's extra data).
  assert.deepEqual(Object.keys(body('/quota_error')), ['namespace', 'homepage', 'threshold_percent', 'usage_bytes', 'limit_bytes', 'usage_percent', 'usage_bytes_formatted', 'limit_bytes_formatted']);
  assert.deepEqual(body('/quota_error'), {
    namespace,
    homepage,
    threshold_percent: 100,
    usage_bytes: 1181116007,
    limit_bytes: 1073741824,
    usage_percent: 110,
    usage_bytes_formatted: '1.10 GB',
    limit_bytes_formatted: '1.00 GB',
  });
  // Signed like every webhook.
  for (const r of rx.requests) {
    const verified = new Webhook(secrets.get(r.url) ?? '').verify(r.body, r.headers as Record<string, string>);
    assert.deepEqual(verified, JSON.parse(r.body));
  }
  // Exactly one delivery each: the quota subscriptions, not each other's.
  await eventually(() => assert.equal(px.router.jobs.messages.length, 2), 5_000);
  assert.equal(rx.requests.length, 2);
});
