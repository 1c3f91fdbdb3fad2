import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_KINDS, sampleEvent, toQuayPayload, type RepositoryEvent } from '@herald/events';
import { summary } from '@herald/render';
import { inAppSummary, inAppTags } from './summary.js';

test('the bell words every event kind as the delivery services’ summary does', () => {
  for (const kind of EVENT_KINDS) {
    const event = sampleEvent(kind, { repository: 'acme/app' }) as RepositoryEvent;
    const data = { ...toQuayPayload(event) } as Record<string, unknown>;
    assert.equal(inAppSummary(kind, data, 'acme/app'), summary(event), kind);
  }
});

test('unknown kinds and Herald’s own alerts still get a line; tags come from the event', () => {
  assert.equal(inAppSummary('something_new', {}, 'acme/app'), 'something_new in repository acme/app');
  assert.equal(
    inAppSummary('notification_disabled', { repository: 'acme/app', title: 'Deploy' }, 'acme/app'),
    'Notification “Deploy” on acme/app was disabled after failed deliveries',
  );
  assert.deepEqual(inAppTags({ updated_tags: ['latest', 1, null] }), ['latest', '1']);
  assert.ok(inAppSummary('repo_push', { repository: 'x/'.repeat(300) }, 'x/y').length <= 200);
});
