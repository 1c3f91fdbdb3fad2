import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveryJob, sampleEvent } from '@herald/events';
import { TemplateCache } from './json-template.js';
import { signingSecrets, webhookBody } from './webhook-sender.js';

const job = (event: ReturnType<typeof sampleEvent>) => createDeliveryJob({ event, notificationUuid: '5d2c7b9e-0a41-4e3a-9f10-8c2f6a1e4b7d', method: 'webhook', test: false });

test('the body is the JSON text Quay sends: json.dumps separators, non-ASCII escaped, Quay key order', () => {
  const push = sampleEvent('repo_push', { repository: 'acme/app', registryHost: 'quay.example.com', body: { updated_tags: ['v1', 'é'] } });
  assert.equal(
    webhookBody(job(push), undefined, new TemplateCache()),
    '{"repository": "acme/app", "namespace": "acme", "name": "app", "docker_url": "quay.example.com/acme/app", ' +
      '"homepage": "https://quay.example.com/repository/acme/app", "updated_tags": ["v1", "\\u00e9"]}',
  );
  const cancelled = sampleEvent('build_cancelled', { repository: 'acme/app', registryHost: 'quay.example.com', body: { build_id: 'b1', build_name: 'n', docker_tags: ['latest'], trigger_id: undefined, trigger_kind: undefined, trigger_metadata: undefined } });
  assert.equal(
    webhookBody(job(cancelled), '', new TemplateCache()),
    '{"repository": "acme/app", "namespace": "acme", "name": "app", "docker_url": "quay.example.com/acme/app", ' +
      '"homepage": "https://quay.example.com/repository/acme/app/build/b1", "build_id": "b1", "build_name": "n", "docker_tags": ["latest"], ' +
      '"trigger_id": null, "trigger_kind": null, "trigger_metadata": {}}',
  );
});

test('a template renders to the same JSON text style', () => {
  const push = sampleEvent('repo_push', { repository: 'acme/app', body: { updated_tags: ['v1', 'v2'] } });
  assert.equal(webhookBody(job(push), '{"text": "pushed ${updated_tags}", "tags": "${updated_tags[*]}", "none": "${nope}"}', new TemplateCache()), '{"text": "pushed v1,v2", "tags": ["v1", "v2"], "none": null}');
  assert.throws(() => webhookBody(job(push), { not: 'a string' }, new TemplateCache()), { code: 'CONFIG_INVALID' });
});

test('the previous secret signs until its overlap ends, then only the current one', () => {
  const n = { signing_secret: 'whsec_new', previous_signing_secret: 'whsec_old', previous_secret_expires_at: new Date(10_000) };
  assert.deepEqual(signingSecrets(n, 9_999), ['whsec_new', 'whsec_old']);
  assert.deepEqual(signingSecrets(n, 10_000), ['whsec_new']);
  assert.deepEqual(signingSecrets({ ...n, previous_secret_expires_at: null }, 0), ['whsec_new']);
  assert.deepEqual(signingSecrets({ signing_secret: 'whsec_new' }, 0), ['whsec_new']);
  // A document read back as JSON carries the expiry as a string.
  assert.deepEqual(signingSecrets({ ...n, previous_secret_expires_at: '1970-01-01T00:00:10.000Z' as unknown as Date }, 9_000), ['whsec_new', 'whsec_old']);
});
