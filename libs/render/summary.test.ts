import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_KINDS, sampleData, VULNERABILITY_PRIORITIES, type EventKind, type RepositoryEvent } from '@herald/events';
import { level } from './level.js';
import { summary } from './summary.js';

// `sampleData` of a non-literal kind is not narrowed to the union member; the event is one all the same.
const sample = (kind: EventKind) => sampleData(kind) as RepositoryEvent;

const MIRROR = "'quay.io/upstream/webapp' with tag pattern 'v1.*,latest'";
const EXPECTED: Record<EventKind, [string, string]> = {
  repo_push: ['Repository acme/webapp updated', 'primary'],
  build_queued: ['Build queued for repository acme/webapp [8c2f6a1]', 'info'],
  build_start: ['Build started for repository acme/webapp [8c2f6a1]', 'info'],
  build_success: ['Build succeeded for repository acme/webapp [8c2f6a1]', 'success'],
  build_failure: ['Build failure for repository acme/webapp [8c2f6a1]', 'error'],
  build_cancelled: ['Build cancelled for repository acme/webapp [8c2f6a1]', 'info'],
  vulnerability_found: ['Critical vulnerability detected in repository acme/webapp in 2 tags', 'error'],
  repo_mirror_sync_started: [`Repository Mirror started for ${MIRROR}`, 'info'],
  repo_mirror_sync_success: [`Repository Mirror success for ${MIRROR}`, 'success'],
  repo_mirror_sync_failed: [`Repository Mirror failed for ${MIRROR}`, 'error'],
  repo_image_expiry: ['Repository acme/webapp image(s) expiring', 'info'],
  quota_warning: ['Namespace acme storage usage has reached 80% of its quota limit', 'warning'],
  quota_error: ['Namespace acme storage usage has exceeded its quota limit (105%)', 'error'],
};

test('summary and level of every kind, as SPEC §1 words them', () => {
  for (const kind of EVENT_KINDS) {
    const event = sample(kind);
    assert.deepEqual([summary(event), level(event)], EXPECTED[kind], kind);
  }
});

test('vulnerability level follows priority', () => {
  const want = { Critical: 'error', High: 'warning', Medium: 'warning', Low: 'info', Negligible: 'info', Unknown: 'info' };
  for (const priority of VULNERABILITY_PRIORITIES) {
    const event = sampleData('vulnerability_found');
    event.body.vulnerability.priority = priority;
    event.body.tags = ['a', 'b', 'c', 'd', 'e'];
    assert.equal(level(event), want[priority], priority);
    assert.equal(summary(event), `${priority} vulnerability detected in repository acme/webapp in 5 tags`);
  }
});

test('summary is one line of bounded length whatever the event text', () => {
  const event = sampleData('repo_mirror_sync_failed');
  event.body.message = `first\r\nsecond\u0000\u202E ${'x'.repeat(1000)}`;
  const s = summary(event);
  assert.ok(!/[\r\n\u0000\u202E]/.test(s), s);
  assert.ok(s.startsWith('Repository Mirror failed for first second x'), s);
  assert.ok(s.length < 260, String(s.length));
});
