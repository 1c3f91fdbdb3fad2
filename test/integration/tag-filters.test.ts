import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEvent } from '@herald/events';
import { startConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { uniqueRepo } from '../support/router-fixture.js';
import { WebhookPipeline } from '../support/webhook-pipeline.js';
import { startReceiver, type Receiver } from './webhook-fixture.js';

// Issue 17, tag filters: `tag-glob` / `tag-regex` in event_config. The router fires a notification
// when at least one of the event's tags matches; the delivered body lists only the matching ones.
const px = new WebhookPipeline();
const repo = uniqueRepo('tags');
const rx: Record<string, Receiver> = {};
const n: Record<string, string> = {};

before(async () => {
  await px.setup();
  const add = async (name: string, event: string, eventConfig: Record<string, unknown>) => {
    rx[name] = await startReceiver();
    n[name] = (await px.notify(repo, event, `${rx[name].url}/${name}`, eventConfig)).uuid;
  };
  await add('glob', 'repo_push', { 'tag-glob': ['v1.*', 'latest'] });
  await add('regex', 'repo_push', { 'tag-regex': 'rc-[0-9]+' });
  await add('none', 'repo_push', {});
  await add('vulnRegex', 'vulnerability_found', { level: 5, 'tag-regex': 'prod-.*' });
  await px.start();
});

after(async () => {
  await px.teardown();
  await Promise.all(Object.values(rx).map((r) => r.close()));
});

/** The tag lists the receiver of `name` got, in order of arrival. */
const delivered = (name: string, field = 'updated_tags') => rx[name]!.requests.map((r) => (JSON.parse(r.body) as Record<string, string[]>)[field]);

test('each notification gets a job only for pushes with a tag it matches, and a body with only those tags', async () => {
  const push = (tags: string[]) => sampleEvent('repo_push', { repository: repo, body: { updated_tags: tags } });
  const events = [push(['v1.0', 'dev', 'latest', 'v2.0']), push(['rc-7', 'rc-x', 'v10']), push(['dev', 'feature-rc-1']), push(['v1.5', 'rc-2'])];
  await px.router.events.publish(events);
  // Jobs: glob for 1 and 4; regex for 2 and 4 (rc-[0-9]+ matches whole tags: not feature-rc-1); none for all 4.
  await eventually(() => {
    assert.equal(px.router.jobsFor(n['none']!).length, 4);
    assert.equal(px.router.jobsFor(n['glob']!).length, 2);
    assert.equal(px.router.jobsFor(n['regex']!).length, 2);
  }, 30_000, 100);
  const ids = (name: string) => px.router.jobsFor(n[name]!).map((j) => j.value.event.event_id).sort();
  assert.deepEqual(ids('glob'), [events[0]!.event_id, events[3]!.event_id].sort());
  assert.deepEqual(ids('regex'), [events[1]!.event_id, events[3]!.event_id].sort());
  // The job carries the event as published; the webhook body holds only the matching tags.
  assert.deepEqual(px.router.jobsFor(n['glob']!).find((j) => j.value.event.event_id === events[0]!.event_id)?.value.event.body, { updated_tags: ['v1.0', 'dev', 'latest', 'v2.0'] });
  await Promise.all([rx['glob']!.waitFor(2, 30_000), rx['regex']!.waitFor(2, 30_000), rx['none']!.waitFor(4, 30_000)]);
  const sorted = (lists: (string[] | undefined)[]) => lists.map((l) => JSON.stringify(l)).sort();
  assert.deepEqual(sorted(delivered('glob')), sorted([['v1.0', 'latest'], ['v1.5']]));
  assert.deepEqual(sorted(delivered('regex')), sorted([['rc-7'], ['rc-2']]));
  assert.deepEqual(sorted(delivered('none')), sorted(events.map((e) => e.body.updated_tags)));
  // The rest of the body is Quay's, untouched.
  const body = JSON.parse(rx['glob']!.requests[0]!.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['repository', 'namespace', 'name', 'docker_url', 'homepage', 'updated_tags']);
  assert.equal(body['repository'], repo);
});

test('vulnerability_found: the tag filter narrows the tags of a vulnerability the level lets through', async () => {
  const vuln = (tags: string[]) => sampleEvent('vulnerability_found', { repository: repo, body: { tags } });
  const events = [vuln(['dev', 'prod-1', 'prod-2']), vuln(['dev', 'staging'])];
  await px.router.events.publish(events);
  await eventually(() => assert.equal(px.router.jobsFor(n['vulnRegex']!).length, 1), 30_000, 100);
  assert.equal(px.router.jobsFor(n['vulnRegex']!)[0]!.value.event.event_id, events[0]!.event_id);
  await rx['vulnRegex']!.waitFor(1, 30_000);
  assert.deepEqual(delivered('vulnRegex', 'tags'), [['prod-1', 'prod-2']]);
});

test('the config API stores a valid tag filter and refuses an invalid one with a 400 naming the field', async () => {
  const api = await startConfigApi();
  try {
    const token = await adminToken(repo);
    const create = (event: string, eventConfig: Record<string, unknown>) =>
      api.request<{ uuid?: string; event_config?: Record<string, unknown>; error?: string; field?: string }>('POST', `/api/v1/repository/${repo}/notification/`, {
        token,
        body: { event, method: 'webhook', config: { url: 'https://hooks.example.com/h' }, eventConfig },
      });
    const glob = await create('repo_push', { 'tag-glob': ['v1.*', 'latest'] });
    assert.equal(glob.status, 201, JSON.stringify(glob.body));
    assert.deepEqual(glob.body.event_config, { 'tag-glob': ['v1.*', 'latest'] });
    const regex = await create('repo_image_expiry', { days: 7, 'tag-regex': '^v[0-9]+$' });
    assert.equal(regex.status, 201, JSON.stringify(regex.body));
    assert.deepEqual(regex.body.event_config, { days: 7, 'tag-regex': '^v[0-9]+$' });
    const vuln = await create('vulnerability_found', { level: 1, 'tag-glob': ['prod-*'] });
    assert.deepEqual([vuln.status, vuln.body.event_config], [201, { level: 1, 'tag-glob': ['prod-*'] }]);
    const refused: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['repo_push', { 'tag-regex': '(unclosed' }, 'eventConfig.tag-regex', /RE2/],
      ['vulnerability_found', { 'tag-regex': '(?<=a)b' }, 'eventConfig.tag-regex', /RE2/],
      ['repo_push', { 'tag-glob': ['v[1-'] }, 'eventConfig.tag-glob[0]', /unclosed/],
      ['repo_image_expiry', { days: 3, 'tag-glob': ['ok', '[z-a]'] }, 'eventConfig.tag-glob[1]', /not a valid glob/],
      ['repo_push', { 'tag-glob': ['v*'], 'tag-regex': 'v.*' }, 'eventConfig.tag-regex', /cannot be combined/],
      ['repo_push', { 'tag-glob': 'v*' }, 'eventConfig.tag-glob', /list/],
      ['repo_push', { 'tag-regex': 'x'.repeat(300) }, 'eventConfig.tag-regex', /256/],
    ];
    for (const [event, eventConfig, field, message] of refused) {
      const res = await create(event, eventConfig);
      assert.equal(res.status, 400, `${JSON.stringify(eventConfig)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.field, field, JSON.stringify(res.body));
      assert.match(res.body.error ?? '', message, JSON.stringify(res.body));
    }
    const listed = await api.request<{ notifications: unknown[] }>('GET', `/api/v1/repository/${repo}/notification/`, { token });
    assert.equal(listed.body.notifications.length, 3, 'nothing refused was stored');
  } finally {
    await api.stop();
  }
});
