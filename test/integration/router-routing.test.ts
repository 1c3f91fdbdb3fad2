import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchema, REPOSITORY_EVENT_SCHEMA, SchemaRegistryCodec, sampleEvent, SUBJECTS, type RepositoryEvent } from '@herald/events';
import { createKafka, TOPICS } from '@herald/kafka';
import { eventually } from '../helpers/wait.js';
import { TEST_BROKERS, TEST_REGISTRY_URL } from '../support/job-reader.js';
import { RouterFixture, uniqueRepo } from '../support/router-fixture.js';

const fx = new RouterFixture();
const repo = uniqueRepo('route');
const other = uniqueRepo('other');
const n: Record<string, string> = {};

before(async () => {
  await fx.setup();
  const add = async (name: string, event: string, method: Parameters<RouterFixture['notify']>[2] = 'webhook', cfg: Record<string, unknown> = {}, r = repo) => {
    n[name] = (await fx.notify(r, event, method, cfg)).uuid;
  };
  await add('pushWebhook', 'repo_push', 'webhook');
  await add('pushSlack', 'repo_push', 'slack');
  await add('pushEmail', 'repo_push', 'email');
  await add('buildAny', 'build_success', 'webhook');
  await add('buildMain', 'build_success', 'hipchat', { 'ref-regex': 'refs/heads/ma' });
  await add('buildHeads', 'build_success', 'flowdock', { 'ref-regex': 'heads/' });
  await add('vulnHigh', 'vulnerability_found', 'webhook', { level: 1 });
  await add('vulnMediumStr', 'vulnerability_found', 'quay_notification', { level: '2' });
  await add('vulnAll', 'vulnerability_found', 'slack');
  await add('queued', 'build_queued', 'webhook');
  await add('expiryA', 'repo_image_expiry', 'webhook', { days: 7 });
  await add('expiryB', 'repo_image_expiry', 'webhook', { days: 3 });
  await add('disabled', 'repo_push', 'hipchat');
  await fx.store.disable(n['disabled']!, 'test');
  await add('otherRepo', 'repo_push', 'webhook', {}, other);
  await fx.startRouter();
});

after(() => fx.teardown());

/** Publishes events, then waits until `expected` uuids have one job each and no more jobs arrive. */
async function expectJobs(expected: Record<string, number>) {
  await eventually(() => {
    for (const [name, count] of Object.entries(expected)) {
      assert.equal(fx.jobsFor(n[name]!).length, count, `jobs for ${name}`);
    }
  }, 20_000, 100);
}

test('repo_push fans out to every method subscribed, skips disabled and other repositories', async () => {
  const ev = sampleEvent('repo_push', { repository: repo, body: { updated_tags: ['latest'] } });
  await fx.events.publish(ev);
  await expectJobs({ pushWebhook: 1, pushSlack: 1, pushEmail: 1 });
  const job = fx.jobsFor(n['pushSlack']!)[0]!;
  assert.equal(job.topic, 'notifications.slack');
  assert.equal(job.value.event.event_id, ev.event_id);
  assert.equal(job.value.method, 'slack');
  assert.equal(job.value.kind, 'repo_push');
  assert.equal(job.value.repository, repo);
  assert.equal(job.value.test, false);
  assert.match(job.value.delivery_id, /^[0-9a-f-]{36}$/);
  // Jobs of one event to different notifications have different delivery ids.
  assert.notEqual(job.value.delivery_id, fx.jobsFor(n['pushWebhook']!)[0]!.value.delivery_id);
  assert.equal(fx.jobsFor(n['disabled']!).length, 0);
  assert.equal(fx.jobsFor(n['otherRepo']!).length, 0);
  // Other kinds' subscriptions in the same repository get nothing.
  assert.equal(fx.jobsFor(n['buildAny']!).length, 0);
  assert.equal(fx.jobsFor(n['vulnAll']!).length, 0);
});

test('build ref-regex: anchored at the start; no ref never fires a filtered subscription', async () => {
  const withRef = (ref: string | undefined) =>
    sampleEvent('build_success', {
      repository: repo,
      body: { trigger_metadata: ref === undefined ? undefined : { ref } },
    });
  await fx.events.publish([withRef('refs/heads/main'), withRef('refs/tags/v1'), withRef(undefined)]);
  // buildAny (no regex) fires for all three; buildMain only for refs/heads/main;
  // buildHeads ('heads/' is not at the start of any ref) never.
  await expectJobs({ buildAny: 3, buildMain: 1 });
  assert.equal(fx.jobsFor(n['buildHeads']!).length, 0);
  assert.equal(fx.jobsFor(n['buildMain']!)[0]!.value.event.kind, 'build_success');
});

test('vulnerability level thresholds, numbers and numeric strings', async () => {
  const vuln = (priority: 'Critical' | 'High' | 'Medium' | 'Low') =>
    sampleEvent('vulnerability_found', { repository: repo, body: { vulnerability: { ...sampleEvent('vulnerability_found').body.vulnerability, priority } } });
  await fx.events.publish([vuln('Critical'), vuln('High'), vuln('Medium'), vuln('Low')]);
  // level 1: Critical, High; level "2": Critical, High, Medium; no level: all four.
  await expectJobs({ vulnHigh: 2, vulnMediumStr: 3, vulnAll: 4 });
});

/** The event schema as it was before the fields marked "Added in v2" (issue 16's Quay payload fields). */
function eventSchemaV1(): Record<string, unknown> {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.filter((x) => !String((x as { doc?: unknown } | null)?.doc ?? '').startsWith('Added in v2')).map(strip);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, strip(v)]));
    return node;
  };
  const v1 = strip(structuredClone(REPOSITORY_EVENT_SCHEMA.definition)) as Record<string, unknown>;
  assert.notEqual(JSON.stringify(v1), JSON.stringify(REPOSITORY_EVENT_SCHEMA.definition), 'v2 added fields');
  return v1;
}

test('events written with the previous event schema still route (BACKWARD); a new-index vulnerability skips the level filter', async (t) => {
  // A producer still on v1: the registry accepts v1 beside v2, and the router reads v1 bytes into v2.
  const codec = new SchemaRegistryCodec({ url: TEST_REGISTRY_URL });
  await codec.register(SUBJECTS.repositoryEvents, createSchema(eventSchemaV1()));
  const wrap = (e: RepositoryEvent, record: string) => ({ ...e, body: { [`herald.${record}`]: e.body } });
  const lowV1 = sampleEvent('vulnerability_found', { repository: repo, body: { vulnerability: { id: 'CVE-V1', priority: 'Low', has_fix: false } } });
  const queuedV1 = sampleEvent('build_queued', { repository: repo, body: { trigger_kind: undefined, trigger_id: undefined, trigger_metadata: undefined } });
  const kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-router-v1-producer' });
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  await producer.send({
    topic: TOPICS.repositoryEvents,
    messages: [
      { key: repo, value: codec.encode(SUBJECTS.repositoryEvents, wrap(lowV1, 'VulnerabilityFound')) },
      { key: repo, value: codec.encode(SUBJECTS.repositoryEvents, wrap(queuedV1, 'BuildQueued')) },
    ],
  });
  // And a v2 event from a new index report: Low, but Quay sends it whatever the level.
  const newIndex = sampleEvent('vulnerability_found', {
    repository: repo,
    body: { vulnerable_index_report_created: true, vulnerability: { id: 'CVE-NEW-INDEX', priority: 'Low', has_fix: false } },
  });
  const before = { vulnHigh: fx.jobsFor(n['vulnHigh']!).length, vulnMediumStr: fx.jobsFor(n['vulnMediumStr']!).length, vulnAll: fx.jobsFor(n['vulnAll']!).length };
  await fx.events.publish(newIndex);
  // v1 Low: only vulnAll (no level); new-index Low: all three.
  await expectJobs({ queued: 1, vulnAll: before.vulnAll + 2, vulnHigh: before.vulnHigh + 1, vulnMediumStr: before.vulnMediumStr + 1 });
  const queuedJob = fx.jobsFor(n['queued']!)[0]!.value;
  assert.equal(queuedJob.event.event_id, queuedV1.event_id);
  assert.equal('trigger_manual' in queuedJob.event.body, false, 'a v1 event reads with the v2 field absent');
  const ids = fx.jobsFor(n['vulnHigh']!).map((j) => (j.value.event.body as { vulnerability: { id: string } }).vulnerability.id);
  assert.ok(ids.includes('CVE-NEW-INDEX') && !ids.includes('CVE-V1'), ids.join(','));
});

test('repo_image_expiry goes only to the notification it names', async () => {
  await fx.events.publish(sampleEvent('repo_image_expiry', { repository: repo, body: { notification_uuid: n['expiryB']! } }));
  await expectJobs({ expiryB: 1 });
  assert.equal(fx.jobsFor(n['expiryA']!).length, 0);
});

test('a notification published on the feed routes events within 1 s', async () => {
  const doc = await fx.notify(repo, 'repo_mirror_sync_failed', 'webhook', {}, true);
  const t0 = Date.now();
  let routed = -1;
  while (Date.now() - t0 < 10_000 && routed < 0) {
    await fx.events.publish(sampleEvent('repo_mirror_sync_failed', { repository: repo }));
    await new Promise((r) => setTimeout(r, 100));
    if (fx.jobsFor(doc.uuid).length > 0) routed = Date.now() - t0;
  }
  assert.ok(routed >= 0, 'never routed');
  console.log(`feed change → first routed job: ${routed} ms`);
  assert.ok(routed <= 1_000, `routed only after ${routed} ms`);
});
