import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_KINDS } from './constants.js';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA } from './delivery-job.js';
import { schemaInternals } from './herald-schema.js';
import { sampleEvent } from './samples.js';
import { splitRecord } from './shared-field-encoder.js';

test('a job encoded as before ++ event ++ after is byte for byte the whole job, for every event kind', () => {
  const { type, toAvro } = schemaInternals(DELIVERY_JOB_SCHEMA);
  const split = splitRecord(type, 'event');
  assert.ok(split);
  for (const kind of EVENT_KINDS) {
    const event = sampleEvent(kind, { repository: 'acme/web' });
    const jobs = ['webhook', 'email', 'slack'].map((method, i) =>
      createDeliveryJob({ event, notificationUuid: `00000000-0000-4000-8000-00000000000${i}`, method: method as 'webhook', test: i === 2 }),
    );
    // One with the optional field after the event set (an in-app alert).
    jobs.push({ ...createDeliveryJob({ event, notificationUuid: '00000000-0000-4000-8000-000000000009', method: 'quay_notification' }), alert: { kind: 'notification_disabled', targets: [{ kind: 'org', name: 'acme' }], data: '{}' } });
    const shared = split.field.toBuffer((toAvro(jobs[0]) as { event: unknown }).event);
    for (const job of jobs) {
      const a = toAvro(job);
      assert.deepEqual(Buffer.concat([split.before.toBuffer(a), shared, split.after.toBuffer(a)]), type.toBuffer(a), `${kind} ${job.method}`);
    }
  }
  assert.equal(splitRecord(type, 'no_such_field'), null);
  assert.equal(splitRecord(type, 'event'), split, 'split once per type and field');
});
