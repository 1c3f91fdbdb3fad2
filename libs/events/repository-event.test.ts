import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { sampleData } from './samples.js';
import { validateEvent } from './repository-event.js';

/** Asserts that validating `input` fails on `field` with a message matching `message`. */
function rejects(input: unknown, field: string, message: RegExp): void {
  assert.throws(
    () => validateEvent(input),
    (err: unknown) => {
      assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
      assert.equal(err.field, field);
      assert.match(err.message, message);
      assert.equal(err.code, 'VALIDATION_FAILED');
      return true;
    },
  );
}

const push = () => sampleData('repo_push') as unknown as Record<string, unknown>;
const build = () => sampleData('build_start') as unknown as Record<string, unknown> & { body: Record<string, unknown> };

test('a missing body field is named with its path', () => {
  const e = build();
  delete e.body['build_id'];
  rejects(e, 'body.build_id', /^body\.build_id: required$/);
});

test('an unknown kind is named', () => {
  rejects({ ...push(), kind: 'foo' }, 'kind', /^kind: unknown event kind "foo"$/);
  const e = push();
  delete e['kind'];
  rejects(e, 'kind', /required/);
});

test('wrong types name the field and what was expected', () => {
  rejects({ ...push(), body: { updated_tags: ['ok', 3] } }, 'body.updated_tags[1]', /expected a string, got number/);
  rejects({ ...push(), occurred_at: '2025-01-01' }, 'occurred_at', /expected an integer/);
  rejects({ ...push(), performer: { kind: 'bot', name: 'x' } }, 'performer.kind', /expected one of user, robot, token/);
  const b = build();
  rejects({ ...b, body: { ...b.body, trigger_metadata: { commit_info: { message: 7 } } } }, 'body.trigger_metadata.commit_info.message', /expected a string/);
});

test('a misspelt field is refused rather than silently dropped', () => {
  rejects({ ...push(), body: { updated_tags: [], pruned: 1 } }, 'body.pruned', /unknown field/);
  rejects({ ...push(), extra: true }, 'extra', /unknown field/);
});

test('a body of another kind is refused', () => {
  rejects({ ...push(), kind: 'repo_image_expiry' }, 'body.tags', /required/);
});

test('rules beyond Avro: ids, repository parts, urls, tag limit', () => {
  rejects({ ...push(), event_id: 'not-a-uuid' }, 'event_id', /must be a UUID/);
  rejects({ ...push(), repository: 'noslash' }, 'repository', /namespace\/name/);
  rejects({ ...push(), namespace: 'other' }, 'namespace', /must be "acme"/);
  rejects({ ...push(), docker_url: 'registry.example.com/other/app' }, 'docker_url', /acme\/webapp/);
  rejects({ ...push(), homepage: 'not a url' }, 'homepage', /absolute http/);
  const vuln = sampleData('vulnerability_found');
  vuln.body.tags = Array.from({ length: 101 }, (_, i) => `t${i}`);
  rejects(vuln, 'body.tags', /at most 100/);
  rejects('nope', 'event', /expected an object/);
});

test('names may contain slashes', () => {
  const e = validateEvent({
    ...push(),
    repository: 'acme/team/webapp',
    name: 'team/webapp',
    docker_url: 'registry.example.com/acme/team/webapp',
  });
  assert.equal(e.name, 'team/webapp');
});

test('null optional fields are dropped and the result is a fresh plain object', () => {
  const input = { ...build(), performer: null };
  (input.body as Record<string, unknown>)['trigger_kind'] = null;
  const e = validateEvent(input);
  assert.equal('performer' in e, false);
  assert.equal('trigger_kind' in e.body, false);
  assert.notEqual(e.body, input.body);
  assert.equal(Object.getPrototypeOf(e), Object.prototype);
});

test('the body type narrows with kind', () => {
  const e = validateEvent(sampleData('build_failure'));
  if (e.kind === 'build_failure') assert.equal(e.body.error_message, 'Could not pull base image: manifest unknown');
  else assert.fail('kind changed');
});
