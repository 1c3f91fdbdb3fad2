import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { parseDistributionEnvelope } from './distribution.js';

const opts = { defaultRegistryHost: 'fallback:5000', now: () => 42 };
const event = (o: Record<string, unknown> = {}, target: Record<string, unknown> = {}) => ({
  id: 'e1',
  timestamp: '2026-12-03T10:00:00Z',
  action: 'push',
  target: { repository: 'ns/app', tag: 'v1', digest: 'sha256:abcd', ...target },
  request: { host: 'reg.example:5000' },
  actor: { name: 'alice' },
  ...o,
});

test('a tagged push is a tag push record; every other action is counted by reason', () => {
  const r = parseDistributionEnvelope({ events: [event(), event({ id: 'e2', action: 'pull' }), event({ id: 'e3', action: 'delete' }), event({ id: 'e4', action: 'mount' }), event({ id: 'e5' }, { tag: undefined })] }, opts);
  assert.deepEqual(r.records, [
    { v: 1, kind: 'tag_push', source: 'distribution', source_id: 'distribution:e1', repository: 'ns/app', registry_host: 'reg.example:5000', occurred_at: Date.parse('2026-12-03T10:00:00Z'), performer: { kind: 'user', name: 'alice' }, tag: 'v1', digest: 'sha256:abcd' },
  ]);
  assert.deepEqual(r.dropped, { pull: 1, delete: 1, mount: 1, untagged_push: 1 });
});

test('a one-component name is under library/; the host falls back to target.url, then the default', () => {
  const [a] = parseDistributionEnvelope({ events: [event({ request: {} }, { repository: 'alpine', url: 'http://mirror.example/v2/alpine/manifests/v1' })] }, opts).records;
  assert.equal(a?.repository, 'library/alpine');
  assert.equal(a?.registry_host, 'mirror.example');
  const [b] = parseDistributionEnvelope({ events: [event({ request: {}, timestamp: undefined })] }, opts).records;
  assert.equal(b?.registry_host, 'fallback:5000');
  assert.equal(b?.occurred_at, 42);
});

test('one invalid event refuses the envelope, naming the field', () => {
  const field = (body: unknown) => {
    try {
      parseDistributionEnvelope(body, opts);
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return err.field;
    }
    return 'accepted';
  };
  assert.equal(field([]), 'body');
  assert.equal(field({ events: {} }), 'events');
  assert.equal(field({ events: [event(), event({ id: '' })] }), 'events[1].id');
  assert.equal(field({ events: [event({ action: 'copy' })] }), 'events[0].action');
  assert.equal(field({ events: [event({}, { repository: '../etc' })] }), 'events[0].target.repository');
  assert.equal(field({ events: [event({}, { tag: '-bad' })] }), 'events[0].target.tag');
  assert.equal(field({ events: [event({ timestamp: 'yesterday' })] }), 'events[0].timestamp');
  assert.equal(field({ events: [event({ request: { host: 'a b' } })] }), 'events[0].request.host');
  assert.equal(field({ events: Array.from({ length: 1001 }, () => event()) }), 'events');
  assert.equal(field({}), 'accepted');
});

test('pulls: dropped and counted by default; with pulls "refuse" an envelope holding one is refused naming it', () => {
  const envelope = { events: [event(), event({ id: 'e2', action: 'pull' })] };
  assert.deepEqual(parseDistributionEnvelope(envelope, { ...opts, pulls: 'drop' }).dropped, { pull: 1 });
  assert.throws(
    () => parseDistributionEnvelope(envelope, { ...opts, pulls: 'refuse' }),
    (err: unknown) => err instanceof ValidationError && err.field === 'events[1].action' && /refused.*ignore\.actions/.test(err.message),
  );
  // Only pulls are refused.
  assert.equal(parseDistributionEnvelope({ events: [event(), event({ id: 'e3', action: 'delete' })] }, { ...opts, pulls: 'refuse' }).records.length, 1);
});
