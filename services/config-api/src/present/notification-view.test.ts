import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationDoc } from '@herald/subscriptions';
import { notificationView } from './notification-view.js';

const doc: NotificationDoc = {
  uuid: 'u1',
  repository: 'ns/app',
  event: 'repo_push',
  method: 'slack',
  config: { url: 'https://hooks.slack.com/services/T/B/X' },
  event_config: {},
  title: 't',
  number_of_failures: 2,
  disabled: false,
  disabled_reason: null,
  signing_secret: 'whsec_abc',
  created_by: 'alice',
  created_at: new Date('2026-01-01T00:00:00Z'),
  updated_at: new Date('2026-01-02T00:00:00Z'),
  version: 3,
};

test("Quay's shape, masked for listings, signing secret only when asked", () => {
  const listed = notificationView(doc, { mask: true });
  assert.deepEqual(listed, {
    uuid: 'u1',
    title: 't',
    event: 'repo_push',
    method: 'slack',
    config: { url: 'https://hooks.slack.com/****' },
    event_config: {},
    number_of_failures: 2,
    disabled: false,
    disabled_reason: null,
    created: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-02T00:00:00.000Z',
    version: 3,
  });
  assert.equal(notificationView(doc, { mask: false }).config['url'], 'https://hooks.slack.com/services/T/B/X');
  assert.equal(notificationView(doc, { mask: false, withSigningSecret: true }).signing_secret, 'whsec_abc');
  assert.ok(!JSON.stringify(notificationView(doc, { mask: false })).includes('whsec_'));
  // A rotation's previous secret is never shown, whatever is asked.
  const rotated = { ...doc, previous_signing_secret: 'whsec_old', previous_secret_expires_at: new Date('2026-01-03T00:00:00Z') };
  for (const opts of [{ mask: true }, { mask: false }, { mask: false, withSigningSecret: true }]) {
    const text = JSON.stringify(notificationView(rotated, opts));
    assert.ok(!text.includes('whsec_old') && !text.includes('previous'), text);
  }
});
