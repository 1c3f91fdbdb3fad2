import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEvent } from '@herald/events';
import { buildRefsByRepository } from './build-refs.js';

test('build events give their trigger ref per repository, in order; other kinds and trigger-less builds nothing', () => {
  const meta = (ref: string) => ({ trigger_kind: 'github', trigger_id: 't1', trigger_metadata: { ref, default_branch: 'main' } });
  const events = [
    sampleEvent('build_queued', { repository: 'acme/app', occurred_at: 1, body: { ...meta('refs/heads/main') } }),
    sampleEvent('repo_push', { repository: 'acme/app', occurred_at: 2 }),
    sampleEvent('build_success', { repository: 'acme/other', occurred_at: 3, body: { ...meta('refs/tags/v1') } }),
    sampleEvent('build_failure', { repository: 'acme/app', occurred_at: 4, body: { ...meta('refs/heads/dev') } }),
    sampleEvent('build_start', { repository: 'acme/app', occurred_at: 5, body: { trigger_kind: undefined, trigger_id: undefined, trigger_metadata: undefined } }),
    sampleEvent('build_cancelled', { repository: 'acme/app', occurred_at: 6, body: { ...meta('refs/heads/main') } }),
  ];
  const got = buildRefsByRepository(events);
  assert.deepEqual(
    [...got].map(([repo, refs]) => [repo, refs.map((r) => [r.ref, r.at.getTime()])]),
    [
      ['acme/app', [['refs/heads/main', 1], ['refs/heads/dev', 4], ['refs/heads/main', 6]]],
      ['acme/other', [['refs/tags/v1', 3]]],
    ],
  );
});
