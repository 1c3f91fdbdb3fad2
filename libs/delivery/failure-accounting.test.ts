import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveryJob, sampleEvent, type DeliveryJob } from '@herald/events';
import { createLogger } from '@herald/logger';
import type { FailureOutcome, NotificationDoc } from '@herald/subscriptions';
import { FailureAccounting } from './failure-accounting.js';

const doc = (over: Partial<NotificationDoc> = {}): NotificationDoc => ({
  uuid: 'n-1',
  repository: 'acme/web',
  event: 'repo_push',
  method: 'webhook',
  config: { url: 'https://hooks.example.com/x' },
  event_config: {},
  title: null,
  number_of_failures: 0,
  disabled: false,
  disabled_reason: null,
  signing_secret: 'whsec_x',
  created_by: 'alice',
  created_at: new Date(0),
  updated_at: new Date(0),
  version: 1,
  ...over,
});

/** Accounting over a store that answers `outcome`, recording what it publishes. */
function accounting(outcome: FailureOutcome | null, alertEmail = true) {
  const published: DeliveryJob[] = [];
  const upserts: NotificationDoc[] = [];
  const a = new FailureAccounting({
    store: { recordFailure: async () => outcome, recordSuccess: async () => null },
    feed: { upsert: async (n) => void upserts.push(n) },
    publishAlert: async (job) => void published.push(job),
    threshold: 3,
    alertEmail,
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  return { a, published, upserts };
}

const failed = createDeliveryJob({ event: sampleEvent('repo_push', { repository: 'acme/web' }), notificationUuid: 'n-1', method: 'webhook' });

test('the failure that disables publishes the feed change, the in-app alert and the e-mail alert', async () => {
  const n = doc({ number_of_failures: 3, disabled: true, disabled_reason: 'three failures', disabled_by: failed.delivery_id });
  const { a, published, upserts } = accounting({ notification: n, justDisabled: true, repeated: false });
  await a.failure(failed, 'HTTP 500', false);
  assert.equal(upserts.length, 1);
  assert.deepEqual(published.map((j) => j.method), ['quay_notification', 'email']);
  assert.equal(published[0]?.alert?.data, published[1]?.alert?.data, 'the same alert, by two methods');
  const withoutEmail = accounting({ notification: n, justDisabled: true, repeated: false }, false);
  await withoutEmail.a.failure(failed, 'HTTP 500', false);
  assert.deepEqual(withoutEmail.published.map((j) => j.method), ['quay_notification'], 'e-mail alerts switched off');
});

test('a failure counted before a crash re-publishes the feed change and, if it disabled, the same alerts', async () => {
  const disabled = doc({ number_of_failures: 3, disabled: true, disabled_reason: 'three failures', disabled_by: failed.delivery_id });
  const first = accounting({ notification: disabled, justDisabled: true, repeated: false });
  await first.a.failure(failed, 'HTTP 500', false);
  const replay = accounting({ notification: disabled, justDisabled: false, repeated: true });
  await replay.a.failure(failed, 'HTTP 500', false);
  assert.equal(replay.upserts.length, 1);
  assert.deepEqual(
    replay.published.map((j) => j.delivery_id),
    first.published.map((j) => j.delivery_id),
    'same delivery ids: receivers keep each alert once',
  );
  // Re-processing a failure that did not disable (another delivery did) sends no alert.
  const other = accounting({ notification: doc({ number_of_failures: 3, disabled: true, disabled_by: 'another-delivery' }), justDisabled: false, repeated: true });
  await other.a.failure(failed, 'HTTP 500', false);
  assert.deepEqual([other.upserts.length, other.published.length], [1, 0]);
  // A counted failure below the threshold: the feed change only.
  const below = accounting({ notification: doc({ number_of_failures: 1 }), justDisabled: false, repeated: false });
  await below.a.failure(failed, 'HTTP 500', false);
  assert.deepEqual([below.upserts.length, below.published.length], [1, 0]);
  assert.equal(await accounting(null).a.failure(failed, 'HTTP 500', false), null, 'a deleted notification');
});

test('a disabled namespace-wide or registry-wide notification alerts its creator (and the namespace admins), names its scope, and sends no e-mail', async () => {
  const alertOf = async (over: Partial<NotificationDoc>) => {
    const n = doc({ number_of_failures: 3, disabled: true, disabled_reason: 'three failures', disabled_by: failed.delivery_id, repository: '', ...over });
    const { a, published } = accounting({ notification: n, justDisabled: true, repeated: false });
    await a.failure(failed, 'HTTP 500', false);
    assert.deepEqual(published.map((j) => j.method), ['quay_notification']);
    const alert = published[0]!.alert!;
    return { targets: alert.targets, repository: (JSON.parse(alert.data) as { repository: string }).repository };
  };
  assert.deepEqual(await alertOf({ scope: 'namespace', namespace: 'acme' }), {
    targets: [{ kind: 'user', name: 'alice' }, { kind: 'org', name: 'acme' }],
    repository: 'acme/*',
  });
  assert.deepEqual(await alertOf({ scope: 'registry' }), { targets: [{ kind: 'user', name: 'alice' }], repository: '*' });
});
