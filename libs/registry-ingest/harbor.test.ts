import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import type { RepositoryEventOf } from '@herald/events';
import { parseHarborPayload } from './harbor.js';

const opts = { defaultRegistryHost: 'fallback' };
const resource = (tag: string, severity?: string, total = 3) => ({
  digest: 'sha256:abcd',
  tag,
  resource_url: `harbor.example/proj/app:${tag}`,
  ...(severity === undefined ? {} : { scan_overview: { 'application/vnd.security.vulnerability.report; version=1.1': { report_id: `r-${tag}`, severity, summary: { total, fixable: 1 }, scanner: { name: 'Trivy' } } } }),
});
const payload = (type: string, resources: unknown[]) => ({ type, occur_at: 1_700_000_000, operator: 'bob', event_data: { resources, repository: { name: 'app', namespace: 'proj', repo_full_name: 'proj/app' } } });

test('a push is a tag push per tagged resource, with a source id stable for the same payload', () => {
  const a = parseHarborPayload(payload('PUSH_ARTIFACT', [resource('v1'), { digest: 'sha256:abcd', tag: 'sha256:abcd' }]), opts);
  const b = parseHarborPayload(payload('PUSH_ARTIFACT', [resource('v1'), { digest: 'sha256:abcd', tag: 'sha256:abcd' }]), opts);
  assert.equal(a.records.length, 1);
  assert.deepEqual(a.dropped, { untagged_push: 1 });
  assert.equal(a.records[0]?.source_id, b.records[0]?.source_id);
  assert.equal(a.records[0]?.registry_host, 'harbor.example');
  assert.equal(a.records[0]?.occurred_at, 1_700_000_000_000);
});

test('a completed scan is one vulnerability_found per severity found; clean resources are dropped', () => {
  const r = parseHarborPayload(payload('SCANNING_COMPLETED', [resource('v1', 'High'), resource('v2', 'High'), resource('v3', 'None', 0), resource('v4', 'Low')]), opts);
  assert.deepEqual(r.dropped, { scan_clean: 1 });
  const events = r.records.map((x) => (x.kind === 'event' ? x.event : undefined)) as RepositoryEventOf<'vulnerability_found'>[];
  assert.deepEqual(events.map((e) => [e.body.vulnerability.priority, e.body.tags]), [['High', ['v1', 'v2']], ['Low', ['v4']]]);
  assert.equal(events[0]?.body.vulnerability.has_fix, true);
});

test('other types are dropped by reason; a malformed payload is refused naming the field', () => {
  assert.deepEqual(parseHarborPayload(payload('DELETE_ARTIFACT', [resource('v1')]), opts).dropped, { delete: 1 });
  assert.deepEqual(parseHarborPayload(payload('SCANNING_FAILED', [resource('v1')]), opts).dropped, { scan_failed: 1 });
  assert.deepEqual(parseHarborPayload(payload('REPLICATION', []), opts).dropped, { unsupported_type: 1 });
  const field = (body: unknown) => {
    try {
      parseHarborPayload(body, opts);
      return 'accepted';
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return err.field;
    }
  };
  assert.equal(field({ ...payload('PUSH_ARTIFACT', []), occur_at: '1' }), 'occur_at');
  assert.equal(field({ ...payload('PUSH_ARTIFACT', []), event_data: { resources: [], repository: {} } }), 'event_data.repository.repo_full_name');
  assert.equal(field(payload('SCANNING_COMPLETED', [resource('v1', 'Severe')])), 'event_data.resources[0].scan_overview.severity');
});

test('PULL_ARTIFACT: dropped and counted by default; with pulls "refuse" refused naming the type', () => {
  assert.deepEqual(parseHarborPayload(payload('PULL_ARTIFACT', [resource('v1')]), opts).dropped, { pull: 1 });
  assert.throws(() => parseHarborPayload(payload('PULL_ARTIFACT', [resource('v1')]), { ...opts, pulls: 'refuse' }), (err: unknown) => err instanceof ValidationError && err.field === 'type');
  assert.equal(parseHarborPayload(payload('PUSH_ARTIFACT', [resource('v1')]), { ...opts, pulls: 'refuse' }).records.length, 1);
});
