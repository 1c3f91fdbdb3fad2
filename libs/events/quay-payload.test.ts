import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toQuayPayload } from './quay-payload.js';
import { sampleData, sampleEvent } from './samples.js';

const ENVELOPE = ['repository', 'namespace', 'name', 'docker_url', 'homepage'];

test('a push is delivered flat with Quay field names', () => {
  const payload = toQuayPayload(sampleData('repo_push'));
  assert.deepStrictEqual(payload, {
    repository: 'acme/webapp',
    namespace: 'acme',
    name: 'webapp',
    docker_url: 'registry.example.com/acme/webapp',
    homepage: 'https://registry.example.com/repository/acme/webapp',
    updated_tags: ['latest', 'v1.4.2'],
  });
});

test('a build is delivered flat with Quay field names and the build homepage', () => {
  const event = sampleData('build_queued');
  const payload = toQuayPayload(event);
  assert.deepEqual(Object.keys(payload), [
    ...ENVELOPE,
    'build_id',
    'build_name',
    'docker_tags',
    'is_manual',
    'trigger_kind',
    'trigger_id',
    'trigger_metadata',
  ]);
  assert.equal(payload.homepage, `https://registry.example.com/repository/acme/webapp/build/${payload.build_id}`);
  assert.equal(payload.trigger_metadata?.ref, 'refs/heads/main');
  assert.equal(payload.trigger_metadata?.commit_info?.author?.username, 'jdoe');
});

test('Herald metadata and absent optional fields are not in the body', () => {
  const payload = toQuayPayload(sampleEvent('build_start', { body: { trigger_metadata: undefined, trigger_kind: undefined } }));
  for (const key of ['event_id', 'occurred_at', 'performer', 'kind', 'body', 'trigger_metadata', 'trigger_kind']) {
    assert.equal(key in payload, false, key);
  }
  assert.equal(JSON.stringify(payload).includes('null'), false);
});

test('the vulnerability body keeps its nested record', () => {
  const payload = toQuayPayload(sampleData('vulnerability_found'));
  assert.deepEqual(Object.keys(payload), [...ENVELOPE, 'tags', 'vulnerability']);
  assert.deepEqual(Object.keys(payload.vulnerability), ['id', 'description', 'link', 'priority', 'has_fix']);
});
