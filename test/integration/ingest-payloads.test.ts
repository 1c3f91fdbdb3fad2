// Every Distribution action and Harbor event type through the ingest service, from fixtures
// (test/fixtures/ingest, sources named in its README): what is published to repository-events,
// what is counted and dropped, and the 4xx answers for bad or unauthenticated input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepositoryEventOf } from '@herald/events';
import { ROOT } from '@herald/testing';
import { eventually } from '../helpers/wait.js';
import { IngestFixture } from '../support/ingest-fixture.js';

const WINDOW_MS = 300;
// A registry may send 60 requests at once, then 2 a second (the last test floods it).
const ing = new IngestFixture({ INGEST_WINDOW_MS: String(WINDOW_MS), INGEST_RATE_BURST: '60', INGEST_RATE_PER_SECOND: '2' });
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'ingest', path), 'utf8').replaceAll('{{ns}}', ing.namespace).replaceAll('{{run}}', ing.id));
const DISTRIBUTION = 'application/vnd.docker.distribution.events.v2+json';

before(() => ing.start());
after(() => ing.stop());

test('Distribution: a tagged manifest push becomes a repo_push; blob pushes, pulls, deletes and mounts are counted and dropped', async () => {
  const cases: [string, Record<string, unknown>][] = [
    ['push-tag.json', { published: 1, duplicates: 0, dropped: {} }],
    ['push-blob.json', { published: 0, duplicates: 0, dropped: { untagged_push: 1 } }],
    ['pull.json', { published: 0, duplicates: 0, dropped: { pull: 1 } }],
    ['delete-manifest.json', { published: 0, duplicates: 0, dropped: { delete: 1 } }],
    ['delete-tag.json', { published: 0, duplicates: 0, dropped: { delete: 1 } }],
    ['mount.json', { published: 0, duplicates: 0, dropped: { mount: 1 } }],
  ];
  for (const [file, expected] of cases) {
    const res = await ing.post('/v1/distribution/events', fixture(`distribution/${file}`), { 'content-type': DISTRIBUTION });
    assert.equal(res.status, 202, `${file}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(res.body, expected, file);
  }
  // The v1 media type (older registries) is accepted too.
  const v1 = await ing.post('/v1/distribution/events', { events: [] }, { 'content-type': 'application/vnd.docker.distribution.events.v1+json' });
  assert.equal(v1.status, 202);

  const [event] = await eventually(() => {
    const got = ing.of(ing.repo('web'));
    assert.equal(got.length, 1);
    return got;
  }, 20_000);
  const e = event!.value as RepositoryEventOf<'repo_push'>;
  assert.equal(e.kind, 'repo_push');
  assert.deepEqual(e.body.updated_tags, ['1.0']);
  assert.equal(e.docker_url, `registry.example:5000/${ing.repo('web')}`);
  assert.equal(e.homepage, `https://registry.example:5000/repository/${ing.repo('web')}`);
  assert.deepEqual(e.performer, { kind: 'user', name: 'alice' });
  assert.equal(ing.of(ing.repo('api')).length, 0, 'the mount published nothing');
});

test('Harbor: a push becomes a repo_push, a completed scan with findings vulnerability_found; pulls, deletes, failed or stopped scans and other types are dropped', async () => {
  const harbor = { authorization: ing.harborToken };
  const cases: [string, Record<string, unknown>][] = [
    ['push-artifact.json', { published: 1, duplicates: 0, dropped: {} }],
    ['pull-artifact.json', { published: 0, duplicates: 0, dropped: { pull: 1 } }],
    ['delete-artifact.json', { published: 0, duplicates: 0, dropped: { delete: 1 } }],
    ['scanning-completed.json', { published: 1, duplicates: 0, dropped: {} }],
    ['scanning-failed.json', { published: 0, duplicates: 0, dropped: { scan_failed: 1 } }],
    ['scanning-stopped.json', { published: 0, duplicates: 0, dropped: { scan_failed: 1 } }],
    ['quota-exceed.json', { published: 0, duplicates: 0, dropped: { unsupported_type: 1 } }],
  ];
  for (const [file, expected] of cases) {
    const res = await ing.post('/v1/harbor/events', fixture(`harbor/${file}`), harbor);
    assert.equal(res.status, 202, `${file}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(res.body, expected, file);
  }
  // Harbor resends a payload it got no answer for: same payload, same source id, not published again.
  const again = await ing.post('/v1/harbor/events', fixture('harbor/push-artifact.json'), harbor);
  assert.deepEqual(again.body, { published: 0, duplicates: 1, dropped: {} });

  const events = await eventually(() => {
    const got = ing.of(ing.repo('backend'));
    assert.equal(got.length, 2);
    return got.map((m) => m.value);
  }, 20_000);
  const push = events.find((e) => e.kind === 'repo_push') as RepositoryEventOf<'repo_push'>;
  assert.deepEqual(push.body.updated_tags, ['v2.3.0']);
  assert.equal(push.docker_url, `harbor.example.com/${ing.repo('backend')}`);
  assert.equal(push.occurred_at, 1796292000_000);
  const vuln = events.find((e) => e.kind === 'vulnerability_found') as RepositoryEventOf<'vulnerability_found'>;
  assert.deepEqual(vuln.body.tags, ['v2.3.0']);
  assert.equal(vuln.body.vulnerability.priority, 'Critical');
  assert.equal(vuln.body.vulnerability.has_fix, true);
  assert.match(vuln.body.vulnerability.description ?? '', /12 vulnerabilities \(9 fixable\).*Trivy/);
});

test('bad input gets a 4xx naming the problem and publishes nothing; no or a wrong token is 401; another content type 415', async () => {
  const repo = ing.repo('bad');
  const push = (patch: Record<string, unknown>) => ({ events: [{ id: `x1-${ing.id}`, action: 'push', timestamp: new Date().toISOString(), target: { repository: repo, tag: 'ok', digest: 'sha256:abc', ...patch } }] });
  const bad: [unknown, string][] = [
    [push({ repository: 'UPPER/case' }), 'events[0].target.repository'],
    [push({ tag: 'bad tag' }), 'events[0].target.tag'],
    [push({ digest: 'nodigest' }), 'events[0].target.digest'],
    [{ events: [{ id: `x2-${ing.id}`, action: 'rename', target: { repository: repo } }] }, 'events[0].action'],
    [{ events: [{ action: 'push', target: { repository: repo, tag: 'v1' } }] }, 'events[0].id'],
    [{ events: 'nope' }, 'events'],
    ['{"events": [', 'body'],
  ];
  for (const [body, field] of bad) {
    const res = await ing.post('/v1/distribution/events', body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body['field'], field);
    assert.match(String(res.body['error']), new RegExp(field.replace(/[[\].]/g, '\\$&')));
  }
  const harborBad = await ing.post('/v1/harbor/events', { type: 'PUSH_ARTIFACT', occur_at: 'yesterday', event_data: {} }, { authorization: ing.harborToken });
  assert.equal(harborBad.status, 400);
  assert.equal(harborBad.body['field'], 'occur_at');

  assert.equal((await ing.post('/v1/distribution/events', push({}), { authorization: '' })).status, 401);
  assert.equal((await ing.post('/v1/distribution/events', push({}), { authorization: 'Bearer not-a-registry-token' })).status, 401);
  assert.equal((await ing.post('/v1/distribution/events', 'events', { 'content-type': 'text/plain' })).status, 415);

  // A good push after them, in the same repository: it is the only event there.
  assert.equal((await ing.post('/v1/distribution/events', push({ tag: 'good' }))).status, 202);
  const got = await eventually(() => {
    const g = ing.of(repo);
    assert.equal(g.length, 1);
    return g;
  }, 20_000);
  assert.deepEqual((got[0]!.value as RepositoryEventOf<'repo_push'>).body.updated_tags, ['good']);
});

test('a registry that floods gets 429 with Retry-After, and is served again after it; another registry is not held back', async () => {
  const repo = ing.repo('flood');
  const answers = await Promise.all(
    Array.from({ length: 80 }, (_, i) => ing.post('/v1/distribution/events', { events: [{ id: `flood-${ing.id}-${i}`, action: 'push', timestamp: new Date().toISOString(), target: { repository: repo, tag: `f${i}` } }] })),
  );
  const throttled = answers.filter((a) => a.status === 429);
  const accepted = answers.filter((a) => a.status === 202);
  assert.equal(throttled.length + accepted.length, 80);
  assert.ok(throttled.length >= 20, `throttled ${throttled.length}`);
  const retryAfter = Number(throttled[0]!.headers.get('retry-after'));
  assert.ok(retryAfter >= 1, `Retry-After ${retryAfter}`);
  assert.match(String(throttled[0]!.body['error']), /test-registry is over 2 requests per second/);
  // The Harbor registry has its own budget.
  assert.equal((await ing.post('/v1/harbor/events', fixture('harbor/pull-artifact.json'), { authorization: ing.harborToken })).status, 202);
  await new Promise((r) => setTimeout(r, retryAfter * 1000));
  assert.equal((await ing.post('/v1/distribution/events', { events: [] })).status, 202);
  // What was refused was not published: the accepted tags only.
  await eventually(() => assert.equal(ing.of(repo).flatMap((m) => (m.value as RepositoryEventOf<'repo_push'>).body.updated_tags).length, accepted.length), 20_000);
});
