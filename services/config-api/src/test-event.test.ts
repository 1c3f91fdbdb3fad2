import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_KINDS, toQuayPayload } from '@herald/events';
import { testEventFor } from './test-event.js';

const n = (event: string, event_config: Record<string, unknown> = {}) => ({ uuid: '5d2c7b9e-0a41-4e3a-9f10-8c2f6a1e4b7d', event, repository: 'acme/app', event_config });

test('the vulnerability priority comes from the configured level, as in Quay (no level gives Unknown)', () => {
  const priority = (cfg: Record<string, unknown>) => {
    const e = testEventFor(n('vulnerability_found', cfg));
    assert.equal(e.kind, 'vulnerability_found');
    return e.kind === 'vulnerability_found' ? e.body.vulnerability.priority : undefined;
  };
  assert.equal(priority({ level: 0 }), 'Critical');
  assert.equal(priority({ level: '1' }), 'High');
  assert.equal(priority({ level: 3 }), 'Low');
  assert.equal(priority({ level: 5 }), 'Unknown');
  assert.equal(priority({}), 'Unknown');
});

test('expiring_in comes from the configured days; the expiry event names this notification', () => {
  const e = testEventFor(n('repo_image_expiry', { days: 12 }));
  assert.ok(e.kind === 'repo_image_expiry');
  assert.equal(e.body.expiring_in, '12 days');
  assert.equal(e.body.notification_uuid, '5d2c7b9e-0a41-4e3a-9f10-8c2f6a1e4b7d');
  assert.equal(toQuayPayload(e).expiring_in, '12 days');
});

test('every kind is re-addressed to the notification repository', () => {
  for (const kind of EVENT_KINDS) {
    const e = testEventFor(n(kind, kind === 'repo_image_expiry' ? { days: 1 } : {}));
    assert.equal(e.repository, 'acme/app');
    assert.equal(e.namespace, 'acme');
    // Quota events are namespace events (Quay's build_namespace_event_data): the namespace's page.
    assert.match(e.homepage, kind.startsWith('quota_') ? /\/organization\/acme$/ : /\/repository\/acme\/app(\/build\/.+)?$/, kind);
  }
  assert.throws(() => testEventFor(n('repo_pull')), { code: 'EVENT_UNKNOWN' });
});

test('a quota notification is tested with the quota sample of Quay, as the namespace event Quay sends', () => {
  const e = testEventFor(n('quota_warning'));
  assert.deepEqual(toQuayPayload(e), {
    namespace: 'acme',
    homepage: 'https://registry.example.com/organization/acme',
    threshold_percent: 80,
    usage_bytes: 858993459,
    limit_bytes: 1073741824,
    usage_percent: 80,
    usage_bytes_formatted: '819.20 MB',
    limit_bytes_formatted: '1.00 GB',
  });
  assert.equal(testEventFor(n('quota_error')).kind, 'quota_error');
});

test('a namespace-wide notification is tested with a repository of its namespace, a registry-wide one with the sample’s', () => {
  for (const kind of EVENT_KINDS) {
    const scoped = { ...n(kind), repository: '' };
    const inNamespace = testEventFor({ ...scoped, scope: 'namespace', namespace: 'beta' });
    assert.equal(inNamespace.namespace, 'beta', kind);
    assert.match(inNamespace.repository, /^beta\/[^/]/, kind);
    const registryWide = testEventFor({ ...scoped, scope: 'registry' });
    assert.notEqual(registryWide.repository, '', kind);
    assert.ok(registryWide.repository.includes('/'), kind);
  }
});
