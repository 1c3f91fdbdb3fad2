import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { deliveryId } from './delivery-id.js';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, validateDeliveryJob } from './delivery-job.js';
import { validateDeliveryResult } from './delivery-result.js';
import { validateSubscriptionChange } from './subscription-change.js';
import { schemaInternals, type HeraldSchema } from './herald-schema.js';
import { sampleData } from './samples.js';

const NOTIFICATION = '6d4e2b1a-8c3f-4a5e-9b7d-0f1e2c3d4a5b';

test('delivery ids are stable per (event, notification) and are UUIDs', () => {
  const a = deliveryId('3f8b2c1a-9d4e-4f6b-8a2c-1e5d7f9b3c01', NOTIFICATION);
  assert.equal(a, deliveryId('3f8b2c1a-9d4e-4f6b-8a2c-1e5d7f9b3c01', NOTIFICATION));
  assert.notEqual(a, deliveryId('3f8b2c1a-9d4e-4f6b-8a2c-1e5d7f9b3c02', NOTIFICATION));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('delivery ids never change across versions: a router restarted on a new release derives the same ids', () => {
  // Values of the first implementation (createHash('sha1').update(namespace).update(name)).
  assert.equal(deliveryId('3f8b2c1a-9d4e-4f6b-8a2c-1e5d7f9b3c01', '00000000-0000-4000-8000-000000000001'), '65b0c2b2-a73f-5ce6-a7a0-2f21a6a66b0b');
  // Non-ASCII, and longer than the reused input buffer.
  assert.equal(deliveryId(`évènement-${'x'.repeat(300)}`, 'n'), 'aeb51457-0903-5335-853e-146a8e0c6f8e');
  // And a short one again, once the reused buffer has grown.
  assert.equal(deliveryId('3f8b2c1a-9d4e-4f6b-8a2c-1e5d7f9b3c01', '00000000-0000-4000-8000-000000000001'), '65b0c2b2-a73f-5ce6-a7a0-2f21a6a66b0b');
});

test('a job carries the typed event and round-trips through Avro unchanged', () => {
  const job = createDeliveryJob({ event: sampleData('build_failure'), notificationUuid: NOTIFICATION, method: 'webhook', now: 1 });
  assert.deepStrictEqual(validateDeliveryJob(job), job);
  const avro = schemaInternals(DELIVERY_JOB_SCHEMA as HeraldSchema<unknown>);
  assert.deepStrictEqual(avro.fromAvro(avro.type.fromBuffer(avro.type.toBuffer(avro.toAvro(job)))), job);
});

test('job validation names fields inside the embedded event', () => {
  const job = createDeliveryJob({ event: sampleData('repo_push'), notificationUuid: NOTIFICATION, method: 'slack' });
  assert.throws(() => validateDeliveryJob({ ...job, event: { ...job.event, body: {} } }), { field: 'event.body.updated_tags' });
  assert.throws(() => validateDeliveryJob({ ...job, kind: 'build_start' }), { field: 'kind' });
  assert.throws(() => validateDeliveryJob({ ...job, method: 'pager' }), { field: 'method' });
  const { attempt: _attempt, ...first } = job;
  assert.equal(validateDeliveryJob(first).attempt, 0, 'attempt defaults to 0');
});

test('results: outcome enum, optional status, disable defaults to false', () => {
  const result = validateDeliveryResult({
    delivery_id: deliveryId('e', NOTIFICATION),
    notification_uuid: NOTIFICATION,
    method: 'webhook',
    attempt: 1,
    outcome: 'dead_letter',
    status_code: 410,
    duration_ms: 12,
    occurred_at: 1,
  });
  assert.equal(result.disable, false);
  assert.throws(() => validateDeliveryResult({ ...result, outcome: 'failed' }), { field: 'outcome' });
  assert.throws(() => validateDeliveryResult({ ...result, status_code: 1000 }), { field: 'status_code' });
});

test('subscription changes carry no method config, so no secret can reach Kafka', () => {
  const upsert = {
    notification_uuid: NOTIFICATION,
    op: 'upsert',
    repository: 'acme/webapp',
    changed_at: 1,
    version: 3,
    notification: { event: 'build_success', method: 'webhook', enabled: true, event_config: '{"ref-regex":"^refs/heads/main"}', number_of_failures: 0 },
  };
  assert.deepStrictEqual(validateSubscriptionChange(upsert), upsert);
  assert.throws(
    () => validateSubscriptionChange({ ...upsert, notification: { ...upsert.notification, config: { url: 'https://x' } } }),
    (err: unknown) => err instanceof ValidationError && err.field === 'notification.config' && /unknown field/.test(err.message),
  );
  assert.throws(() => validateSubscriptionChange({ ...upsert, notification: undefined }), { field: 'notification' });
  assert.throws(() => validateSubscriptionChange({ ...upsert, notification: { ...upsert.notification, event_config: '[1]' } }), {
    field: 'notification.event_config',
  });
  const del = validateSubscriptionChange({ notification_uuid: NOTIFICATION, op: 'delete', repository: 'acme/webapp', changed_at: 2 });
  assert.equal(del.op, 'delete');
  assert.equal(del.version, 0, 'version defaults to 0');
});
