import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationDoc } from '@herald/subscriptions';
import { createdChanges, deletedChanges, editChanges } from './changes.js';

const SLACK_A = 'https://hooks.slack.com/services/T0001/B0001/aaaaaaaaaaaaaaaaaaaaaaaa';
const SLACK_B = 'https://hooks.slack.com/services/T0001/B0001/bbbbbbbbbbbbbbbbbbbbbbbb';

test('an edit lists each changed field with before and after; unchanged ones are left out', () => {
  const before = { title: 'old', config: { url: 'https://ci.example.com/a' }, event_config: { 'tag-glob': ['v1.*'], 'ref-regex': 'main' } };
  const after = { title: 'new', config: { url: 'https://ci.example.com/a', template: '{"a":1}' }, event_config: { 'tag-regex': 'rc-[0-9]+', 'ref-regex': 'main' } };
  assert.deepEqual(editChanges('webhook', before, after, false), [
    { field: 'title', before: 'old', after: 'new' },
    { field: 'config.template', after: '{"a":1}' },
    { field: 'event_config.tag-glob', before: ['v1.*'] },
    { field: 'event_config.tag-regex', after: 'rc-[0-9]+' },
  ]);
  assert.deepEqual(editChanges('webhook', before, before, false), []);
});

test('config secrets are compared as stored but recorded masked; a rotation has no value', () => {
  const changes = editChanges('slack', { title: null, config: { url: SLACK_A }, event_config: {} }, { title: null, config: { url: SLACK_B }, event_config: {} }, false);
  assert.deepEqual(changes, [{ field: 'config.url', before: 'https://hooks.slack.com/****', after: 'https://hooks.slack.com/****' }]);
  const hook = editChanges(
    'webhook',
    { title: null, config: { url: 'https://bob:hunter2@ci.example.com/x?token=t0ps3cr3t' }, event_config: {} },
    { title: null, config: { url: 'https://bob:hunter3@ci.example.com/x?token=t0ps3cr3t' }, event_config: {} },
    true,
  );
  assert.deepEqual(hook, [
    { field: 'config.url', before: 'https://****:****@ci.example.com/x?token=****', after: 'https://****:****@ci.example.com/x?token=****' },
    { field: 'signing_secret', after: 'rotated' },
  ]);
  const hip = editChanges('hipchat', { title: null, config: { room_id: '1', notification_token: 'tok-a' }, event_config: {} }, { title: null, config: { room_id: '2', notification_token: 'tok-b' }, event_config: {} }, false);
  assert.deepEqual(hip, [
    { field: 'config.notification_token', before: '****', after: '****' },
    { field: 'config.room_id', before: '1', after: '2' },
  ]);
  assert.ok(!JSON.stringify([changes, hook, hip]).match(/hunter|t0ps3cr3t|tok-|aaaa|bbbb/));
});

const doc = (over: Partial<NotificationDoc>): NotificationDoc => ({
  uuid: 'u',
  repository: 'acme/app',
  event: 'repo_push',
  method: 'flowdock',
  config: { flow_api_token: 'fd-secret-token' },
  event_config: { 'tag-glob': ['latest'] },
  title: 'Deploys',
  number_of_failures: 0,
  disabled: false,
  disabled_reason: null,
  signing_secret: 'whsec_c2VjcmV0',
  created_by: 'alice',
  created_at: new Date(0),
  updated_at: new Date(0),
  version: 1,
  ...over,
});

test('a create records every field as after, a delete as before; never a signing secret', () => {
  const d = doc({});
  assert.deepEqual(createdChanges(d), [
    { field: 'event', after: 'repo_push' },
    { field: 'method', after: 'flowdock' },
    { field: 'title', before: null, after: 'Deploys' },
    { field: 'config.flow_api_token', after: '****' },
    { field: 'event_config.tag-glob', after: ['latest'] },
  ]);
  assert.deepEqual(createdChanges(doc({ method: 'webhook', config: { url: 'https://ci.example.com/h' }, title: null })).slice(-1), [{ field: 'signing_secret', after: 'generated' }]);
  assert.deepEqual(deletedChanges(d), [
    { field: 'event', before: 'repo_push' },
    { field: 'method', before: 'flowdock' },
    { field: 'title', before: 'Deploys', after: null },
    { field: 'config.flow_api_token', before: '****' },
    { field: 'event_config.tag-glob', before: ['latest'] },
  ]);
  assert.ok(!JSON.stringify([createdChanges(d), deletedChanges(d)]).match(/fd-secret|whsec/));
});
