import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_KINDS, toQuayPayload } from '@herald/events';
import { parseCommand, UsageError, type EmitCommand } from './args.js';
import { collectEvents } from './emit.js';

/** The validated events an `emit` command line would publish (nothing reaches Kafka). */
async function eventsOf(argv: string[]) {
  return collectEvents(parseCommand(['emit', ...argv], {}) as EmitCommand);
}

const REQUIRED: Partial<Record<string, string[]>> = {
  vulnerability_found: ['--vuln-id', 'CVE-2024-6387'],
  repo_image_expiry: ['--notification-uuid', '6d4e2b1a-8c3f-4a5e-9b7d-0f1e2c3d4a5b', '--days', '3'],
  quota_warning: ['--usage-bytes', '900', '--limit-bytes', '1000'],
  quota_error: ['--usage-bytes', '1100', '--limit-bytes', '1000'],
};

test('every kind can be emitted from flags alone', async () => {
  for (const kind of EVENT_KINDS) {
    const [event] = await eventsOf([kind, '--repository', 'ns/app', ...(REQUIRED[kind] ?? [])]);
    assert.equal(event?.kind, kind);
    assert.equal(event?.docker_url, 'localhost:5000/ns/app');
  }
});

test('flags fill Quay fields; build homepages point at the build', async () => {
  const [push] = await eventsOf(['repo_push', '-r', 'ns/app', '--tags', 'latest,v1', '--registry-host', 'quay.example.com']);
  assert.ok(push);
  assert.deepStrictEqual(toQuayPayload(push), {
    repository: 'ns/app',
    namespace: 'ns',
    name: 'app',
    docker_url: 'quay.example.com/ns/app',
    homepage: 'https://quay.example.com/repository/ns/app',
    updated_tags: ['latest', 'v1'],
  });
  const [build] = await eventsOf(['build_failure', '-r', 'ns/app', '--build-id', 'b-123', '--ref', 'refs/heads/dev', '--message', 'boom']);
  assert.equal(build?.homepage, 'http://localhost:5000/repository/ns/app/build/b-123');
  assert.ok(build?.kind === 'build_failure');
  assert.equal(build.body.error_message, 'boom');
  assert.equal(build.body.trigger_metadata?.ref, 'refs/heads/dev');
  const [expiry] = await eventsOf(['repo_image_expiry', '-r', 'ns/app', ...(REQUIRED['repo_image_expiry'] ?? [])]);
  assert.ok(expiry?.kind === 'repo_image_expiry' && expiry.body.expiring_in === '3 days');
  const [vuln] = await eventsOf(['vulnerability_found', '-r', 'ns/app', '--vuln-id', 'CVE-1', '--priority', 'High', '--has-fix']);
  assert.ok(vuln?.kind === 'vulnerability_found');
  assert.deepEqual(vuln.body.vulnerability, { id: 'CVE-1', priority: 'High', has_fix: true });
});

test('quota events: the namespace body Quay sends, sizes and percent derived, namespace homepage', async () => {
  const [warning] = await eventsOf(['quota_warning', '-r', 'ns/app', '--usage-bytes', '858993459', '--limit-bytes', '1073741824', '--threshold', '80', '--registry-host', 'quay.example.com']);
  assert.ok(warning);
  assert.deepStrictEqual(toQuayPayload(warning), {
    namespace: 'ns',
    homepage: 'https://quay.example.com/organization/ns',
    threshold_percent: 80,
    usage_bytes: 858993459,
    limit_bytes: 1073741824,
    usage_percent: 79, // int(79.99), as Quay's producer computes it
    usage_bytes_formatted: '819.20 MB',
    limit_bytes_formatted: '1.00 GB',
  });
  const [error] = await eventsOf(['quota_error', '-r', 'ns/app', ...(REQUIRED['quota_error'] ?? [])]);
  assert.ok(error?.kind === 'quota_error');
  assert.deepEqual([error.body.threshold_percent, error.body.usage_percent], [100, 110]);
  const [sample] = await eventsOf(['--sample', 'quota_warning', '--usage-bytes', '1000', '--limit-bytes', '2000']);
  assert.ok(sample?.kind === 'quota_warning');
  assert.deepEqual([sample.body.threshold_percent, sample.body.usage_percent, sample.body.usage_bytes_formatted], [80, 50, '1000 bytes']);
  await assert.rejects(eventsOf(['quota_error', '-r', 'ns/app', '--usage-bytes', '1100']), /quota_error needs --limit-bytes/);
  await assert.rejects(eventsOf(['quota_warning', '-r', 'ns/app', '--usage-bytes', '1.5GB', '--limit-bytes', '5']), /--usage-bytes must be a non-negative integer/);
  await assert.rejects(eventsOf(['repo_push', '-r', 'ns/app', '--threshold', '80']), /--threshold does not apply to repo_push/);
});

test('--sample publishes the stored sample, with the repository overridden', async () => {
  const [event] = await eventsOf(['--sample', 'build_success', '--repository', 'team/api']);
  assert.equal(event?.repository, 'team/api');
  assert.equal(event?.docker_url, 'registry.example.com/team/api');
  assert.ok(event?.kind === 'build_success' && event.body.image_id?.startsWith('sha256:'));
});

test('missing, misplaced and malformed flags are usage errors; bad values are validation errors', async () => {
  await assert.rejects(eventsOf(['repo_push']), (e: unknown) => e instanceof UsageError && /needs --repository/.test(e.message));
  await assert.rejects(eventsOf(['vulnerability_found', '-r', 'ns/app']), /needs --vuln-id/);
  await assert.rejects(eventsOf(['repo_push', '-r', 'ns/app', '--days', '3']), /--days does not apply to repo_push/);
  await assert.rejects(eventsOf(['repo_image_expiry', '-r', 'ns/app', '--notification-uuid', 'u', '--days', 'soon']), /--days must be a positive integer/);
  await assert.rejects(eventsOf(['repo_push', '-r', 'ns/app', '--performer', 'alice']), /--performer must be/);
  await assert.rejects(eventsOf(['repo_push', '-r', 'noslash']), { code: 'VALIDATION_FAILED', field: 'repository' });
});
