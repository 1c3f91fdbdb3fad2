import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { sampleData } from '@herald/events';
import { prepareEvents } from './prepare-events.js';

const FIXED = { now: () => 1234, newId: () => '00000000-0000-4000-8000-000000000001' };

test('event_id and occurred_at are filled only when absent', () => {
  const { event_id: _id, occurred_at: _at, ...bare } = sampleData('repo_push');
  const [filled] = prepareEvents([bare], FIXED);
  assert.equal(filled?.event_id, '00000000-0000-4000-8000-000000000001');
  assert.equal(filled?.occurred_at, 1234);
  const [kept] = prepareEvents([sampleData('repo_push')], FIXED);
  assert.equal(kept?.event_id, sampleData('repo_push').event_id);
  assert.equal(kept?.occurred_at, 1735732800000);
});

test('in a batch, the error names the event index and the field', () => {
  const bad = { ...sampleData('build_start'), body: { build_name: 'x', docker_tags: [] } };
  assert.throws(
    () => prepareEvents([sampleData('repo_push'), bad], FIXED),
    (err: unknown) => err instanceof ValidationError && err.field === '[1].body.build_id' && err.message === '[1].body.build_id: required',
  );
  assert.throws(() => prepareEvents([bad], FIXED, false), { message: 'body.build_id: required' });
});
