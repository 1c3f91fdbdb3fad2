import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveryJob, sampleEvent, type RepositoryEventOf } from '@herald/events';
import type { NotificationDoc } from '@herald/subscriptions';
import { AttemptCancel } from './attempt-cancel.js';
import type { SendRequest } from './sender.js';
import { tagFilterRejects, tagFilteredSender } from './tag-filtered-sender.js';

function request(eventConfig: Record<string, unknown>, opts: { test?: boolean } = {}): SendRequest {
  const event = sampleEvent('repo_push', { repository: 'ns/app', body: { updated_tags: ['latest', 'v1.0', 'v2.0', 'dev'] } });
  const job = createDeliveryJob({ event, notificationUuid: 'n1', method: 'webhook', test: opts.test ?? false });
  const notification = { uuid: 'n1', event_config: eventConfig } as unknown as NotificationDoc;
  return { job, notification, cancel: new AttemptCancel(Date.now() + 1_000), attempt: 1 };
}

/** The tags the wrapped sender is handed. */
async function sentTags(req: SendRequest): Promise<string[]> {
  let seen: string[] | undefined;
  const sender = tagFilteredSender({
    method: 'webhook',
    send: (r) => {
      seen = (r.job.event as RepositoryEventOf<'repo_push'>).body.updated_tags;
      return Promise.resolve({ statusCode: 200 });
    },
  });
  assert.deepEqual(await sender.send(req), { statusCode: 200 });
  return seen ?? [];
}

test('the sender is handed only the tags the notification filters for', async () => {
  assert.deepEqual(await sentTags(request({ 'tag-glob': ['v1.*', 'latest'] })), ['latest', 'v1.0']);
  assert.deepEqual(await sentTags(request({ 'tag-regex': 'v[0-9]\\.0' })), ['v1.0', 'v2.0']);
  assert.deepEqual(await sentTags(request({})), ['latest', 'v1.0', 'v2.0', 'dev']);
});

test('a test job is delivered as the sample is, whatever the filter', async () => {
  assert.deepEqual(await sentTags(request({ 'tag-glob': ['v1.*'] }, { test: true })), ['latest', 'v1.0', 'v2.0', 'dev']);
});

test('the job itself is not changed (retries and dead letters keep the event as published)', async () => {
  const req = request({ 'tag-glob': ['dev'] });
  assert.deepEqual(await sentTags(req), ['dev']);
  assert.deepEqual((req.job.event as RepositoryEventOf<'repo_push'>).body.updated_tags, ['latest', 'v1.0', 'v2.0', 'dev']);
});

test('tagFilterRejects: only when the filter lets none of a listed tag through (an edit crossed the job)', () => {
  const rejects = (eventConfig: Record<string, unknown>, opts: { test?: boolean } = {}) => {
    const r = request(eventConfig, opts);
    return tagFilterRejects(r.job, r.notification);
  };
  assert.equal(rejects({ 'tag-glob': ['prod-*'] }), true, 'no tag matches');
  assert.equal(rejects({ 'tag-regex': 'rc[0-9]+' }), true, 'no tag matches the regex');
  assert.equal(rejects({ 'tag-glob': ['prod-*', 'dev'] }), false, 'one tag matches');
  assert.equal(rejects({}), false, 'no filter');
  assert.equal(rejects({ 'tag-glob': ['prod-*'] }, { test: true }), false, 'a test job is delivered as the sample is');
  const build = createDeliveryJob({ event: sampleEvent('build_success', { repository: 'ns/app' }), notificationUuid: 'n1', method: 'webhook', test: false });
  assert.equal(tagFilterRejects(build, { uuid: 'n1', event_config: { 'tag-glob': ['prod-*'] } } as unknown as NotificationDoc), false, 'a kind without a tag list');
});
