// Pulls are configurable (issue 20): by default they are accepted, counted and dropped
// (ingest-payloads.test.ts); with INGEST_PULLS=refuse a registry that sends them gets a 400 naming
// the event, nothing of that payload is published, and pushes go on as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepositoryEventOf } from '@herald/events';
import { ROOT } from '@herald/testing';
import { eventually } from '../helpers/wait.js';
import { distributionEvent, IngestFixture } from '../support/ingest-fixture.js';

const ing = new IngestFixture({ INGEST_PULLS: 'refuse', INGEST_WINDOW_MS: '300' });
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'ingest', path), 'utf8').replaceAll('{{ns}}', ing.namespace).replaceAll('{{run}}', ing.id));

before(() => ing.start());
after(() => ing.stop());

test('INGEST_PULLS=refuse: a pull is a 400 naming it and publishes nothing of its envelope; pushes are accepted', async () => {
  const pull = await ing.post('/v1/distribution/events', fixture('distribution/pull.json'), { 'content-type': 'application/vnd.docker.distribution.events.v2+json' });
  assert.equal(pull.status, 400, JSON.stringify(pull.body));
  assert.equal(pull.body['field'], 'events[0].action');
  assert.match(String(pull.body['error']), /pull events are refused.*ignore\.actions/);

  const harborPull = await ing.post('/v1/harbor/events', fixture('harbor/pull-artifact.json'), { authorization: ing.harborToken });
  assert.equal(harborPull.status, 400, JSON.stringify(harborPull.body));
  assert.equal(harborPull.body['field'], 'type');

  // An envelope with a push and a pull is refused whole: the push in it is not published.
  const repo = ing.repo('mixed');
  const mixed = await ing.post('/v1/distribution/events', {
    events: [distributionEvent({ action: 'push', repository: repo, tag: 'not-published' }), distributionEvent({ action: 'pull', repository: repo, tag: 'not-published' })],
  });
  assert.equal(mixed.status, 400);
  assert.equal(mixed.body['field'], 'events[1].action');

  const push = await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: repo, tag: 'v1' })] });
  assert.deepEqual(push.body, { published: 1, duplicates: 0, dropped: {} });
  await eventually(() => assert.deepEqual(ing.of(repo).map((m) => (m.value as RepositoryEventOf<'repo_push'>).body.updated_tags), [['v1']]), 20_000);

  const metrics = await (await fetch(`http://127.0.0.1:${ing.service!.opsPort}/metrics`)).text();
  assert.match(metrics, /^herald_ingest_requests_total\{[^}]*source="distribution"[^}]*outcome="invalid"[^}]*\} 2$/m);
  assert.doesNotMatch(metrics, /herald_ingest_dropped_total\{[^}]*reason="pull"/, 'a refused pull is not counted as dropped');
  // The web fixture's repository got nothing from the refused pull.
  assert.equal(ing.of(ing.repo('web')).length, 0);
});
