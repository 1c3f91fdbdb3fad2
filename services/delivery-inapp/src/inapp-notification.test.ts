import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveryJob, sampleEvent } from '@herald/events';
import { inAppNotification, inAppTarget } from './inapp-notification.js';

test('in-app targets: users by name, teams of the namespace, the namespace org only', () => {
  assert.deepEqual(inAppTarget({ target: { kind: 'user', name: 'jdoe' } }, 'acme'), { kind: 'user', name: 'jdoe' });
  assert.deepEqual(inAppTarget({ target: { kind: 'team', name: 'owners' } }, 'acme'), { kind: 'team', name: 'acme/owners' });
  assert.deepEqual(inAppTarget({ target: { kind: 'team', name: 'acme/owners' } }, 'acme'), { kind: 'team', name: 'acme/owners' });
  assert.deepEqual(inAppTarget({ target: { kind: 'team', name: 'beta/owners' } }, 'acme'), { kind: 'team', name: 'acme/beta/owners' });
  assert.deepEqual(inAppTarget({ target: { kind: 'org', name: 'acme' } }, 'acme'), { kind: 'org', name: 'acme' });
  const bad = [{}, { target: 'x' }, { target: { kind: 'robot', name: 'x' } }, { target: { kind: 'user', name: ' ' } }, { target: { kind: 'org', name: 'beta' } }];
  for (const config of bad) {
    assert.throws(() => inAppTarget(config, 'acme'), (err: { code?: string; retriable?: boolean }) => err.code === 'CONFIG_INVALID' && err.retriable === false);
  }
});

test('in-app notification carries kind, Quay event data and the delivery id', () => {
  const event = sampleEvent('repo_push');
  const job = createDeliveryJob({ event, notificationUuid: '0b6c1f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b', method: 'quay_notification' });
  const now = new Date('2025-01-01T00:00:00Z');
  const n = inAppNotification(job, { kind: 'user', name: 'jdoe' }, now);
  assert.deepEqual(n, {
    target: { kind: 'user', name: 'jdoe' },
    kind: 'repo_push',
    repository: 'acme/webapp',
    data: {
      repository: 'acme/webapp',
      namespace: 'acme',
      name: 'webapp',
      docker_url: 'registry.example.com/acme/webapp',
      homepage: 'https://registry.example.com/repository/acme/webapp',
      updated_tags: ['latest', 'v1.4.2'],
    },
    created: now,
    delivery_id: job.delivery_id,
    notification_uuid: job.notification_uuid,
  });
});
