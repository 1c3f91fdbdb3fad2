import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventHead, sampleEvent, type EventHead } from '@herald/events';
import { SubscriptionIndex, type Subscription } from '@herald/subscriptions';
import { eventFacts, routeEvent } from './route-event.js';

function sub(uuid: string, event: string, event_config: Record<string, unknown>): Subscription {
  return { uuid, repository: 'ns/app', event, method: 'webhook', event_config, title: null, number_of_failures: 0, disabled: false, created_by: 'alice', version: 1 };
}

const lookup = (subs: Subscription[]) => ({
  forEvent: (_repo: string, event: string) => subs.filter((s) => s.event === event),
});

test('the head carries the body tags of the kinds that list them, and eventFacts passes them on', () => {
  const push = eventHead(sampleEvent('repo_push', { repository: 'ns/app', body: { updated_tags: ['v1', 'dev'] } }));
  assert.deepEqual(push.tags, ['v1', 'dev']);
  assert.deepEqual(eventFacts(push).tags, ['v1', 'dev']);
  assert.deepEqual(eventFacts(eventHead(sampleEvent('vulnerability_found'))).tags, ['latest', 'v1.4.2']);
  assert.deepEqual(eventFacts(eventHead(sampleEvent('repo_image_expiry'))).tags, ['v1.0.0', 'v1.0.1']);
  assert.equal(eventHead(sampleEvent('build_success')).tags, undefined);
});

test('routeEvent: glob, regex and unfiltered subscriptions of one push', () => {
  const subs = [sub('glob', 'repo_push', { 'tag-glob': ['v1.*'] }), sub('regex', 'repo_push', { 'tag-regex': 'rc-[0-9]+' }), sub('all', 'repo_push', {})];
  const route = (tags: string[]) => {
    const head: EventHead = { event_id: 'e', kind: 'repo_push', repository: 'ns/app', tags };
    const out = routeEvent(head, lookup(subs));
    return { matched: out.matched.map((s) => s.uuid), filtered: out.filtered };
  };
  assert.deepEqual(route(['v1.0', 'dev']), { matched: ['glob', 'all'], filtered: 1 });
  assert.deepEqual(route(['rc-2']), { matched: ['regex', 'all'], filtered: 1 });
  assert.deepEqual(route(['v1.1', 'rc-3']), { matched: ['glob', 'regex', 'all'], filtered: 0 });
  assert.deepEqual(route(['dev']), { matched: ['all'], filtered: 2 });
});

test('routeEvent: repository, namespace and registry subscriptions of one event, each once; disabled and filtered ones counted', () => {
  const ix = new SubscriptionIndex();
  const at = (over: Partial<Subscription>): Subscription => ({ ...sub('x', 'repo_push', {}), ...over });
  ix.upsert(at({ uuid: 'repo' }));
  ix.upsert(at({ uuid: 'ns', repository: '', scope: 'namespace', namespace: 'ns' }));
  ix.upsert(at({ uuid: 'ns-v1', repository: '', scope: 'namespace', namespace: 'ns', event_config: { 'tag-glob': ['v1*'] } }));
  ix.upsert(at({ uuid: 'ns-off', repository: '', scope: 'namespace', namespace: 'ns', disabled: true }));
  ix.upsert(at({ uuid: 'other-ns', repository: '', scope: 'namespace', namespace: 'other' }));
  ix.upsert(at({ uuid: 'all', repository: '', scope: 'registry' }));
  const route = (repository: string, tags: string[]) => {
    const out = routeEvent({ event_id: 'e', kind: 'repo_push', repository, tags }, ix);
    return { matched: out.matched.map((s) => s.uuid), filtered: out.filtered, disabled: out.disabled };
  };
  assert.deepEqual(route('ns/app', ['v1.0']), { matched: ['repo', 'ns', 'ns-v1', 'all'], filtered: 0, disabled: 1 });
  assert.deepEqual(route('ns/new-repo', ['dev']), { matched: ['ns', 'all'], filtered: 1, disabled: 1 }, 'a repository never subscribed to');
  assert.deepEqual(route('elsewhere/app', ['dev']), { matched: ['all'], filtered: 0, disabled: 0 });
  assert.deepEqual(routeEvent({ event_id: 'e', kind: 'build_success', repository: 'ns/app' }, ix), { matched: [], filtered: 0, disabled: 0 });
});
