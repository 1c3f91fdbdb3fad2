import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSchema, schemaError } from '../schemas/ajv.js';
import { RepositoryParams } from '../schemas/common.js';
import { parseRepositoryPath } from './repository-path.js';
import { rewriteRepositoryUrl } from './repository-routes.js';

test('notification routes, including repositories with slashes', () => {
  assert.deepEqual(parseRepositoryPath('ns/app/notification/'), { kind: 'notifications', repository: 'ns/app' });
  assert.deepEqual(parseRepositoryPath('ns/app/notification'), { kind: 'notifications', repository: 'ns/app' });
  assert.deepEqual(parseRepositoryPath('ns/team/app/notification/'), { kind: 'notifications', repository: 'ns/team/app' });
  assert.deepEqual(parseRepositoryPath('ns/team/app/notification/u-1'), { kind: 'notification', repository: 'ns/team/app', uuid: 'u-1' });
  assert.deepEqual(parseRepositoryPath('ns/team/app/notification/u-1/'), { kind: 'notification', repository: 'ns/team/app', uuid: 'u-1' });
  assert.deepEqual(parseRepositoryPath('ns/app/notification/u-1/test'), {
    kind: 'notification-action',
    repository: 'ns/app',
    uuid: 'u-1',
    action: 'test',
  });
  assert.deepEqual(parseRepositoryPath('a/b/c/notification/u/attempts'), {
    kind: 'notification-action',
    repository: 'a/b/c',
    uuid: 'u',
    action: 'attempts',
  });
  assert.deepEqual(parseRepositoryPath('ns/app/authorizedemail/a%40example.com'), {
    kind: 'authorized-email',
    repository: 'ns/app',
    email: 'a@example.com',
  });
  assert.deepEqual(parseRepositoryPath('ns%2Fapp/notification/'), { kind: 'notifications', repository: 'ns/app' });
  assert.deepEqual(parseRepositoryPath('ns/team/app/recentrefs'), { kind: 'recent-refs', repository: 'ns/team/app' });
  assert.deepEqual(parseRepositoryPath('ns/app/recentrefs/'), { kind: 'recent-refs', repository: 'ns/app' });
});

test('anything else is not a route', () => {
  for (const p of ['', 'ns', 'ns/app', 'ns/app/', 'ns/app/notification/u/other', 'ns/app/authorizedemail/', 'ns/app/notification/u/%E0%A4%A', 'ns/app/recentrefs/x']) {
    assert.equal(parseRepositoryPath(p), null, p);
  }
});

test('repository names: the params schema, and its 400 names `repository`', () => {
  const validate = compileSchema(RepositoryParams);
  for (const ok of ['ns/app', 'ns/team/app', 'my-org/my_app.v2', 'a/b__c']) assert.ok(validate({ repository: ok }), ok);
  for (const bad of ['ns', '/app', 'ns/', 'ns//app', 'NS/app', 'ns/app!', 'ns/-app', `ns/${'a'.repeat(300)}`, 'ns/notification/../x']) {
    assert.equal(validate({ repository: bad }), false, bad);
    const e = schemaError(validate.errors ?? [], 'params');
    assert.equal(e.field, 'repository');
    assert.match(e.message, /^repository: must be namespace\/name/);
  }
});

test('repository paths are rewritten to one encoded segment; other paths are left alone', () => {
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/team/app/notification/?x=1'), '/api/v1/repository/ns%2Fteam%2Fapp/notification/?x=1');
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/app/notification/u-1/test'), '/api/v1/repository/ns%2Fapp/notification/u-1/test');
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/app%2Fsub/authorizedemail/a%40b.example'), '/api/v1/repository/ns%2Fapp%2Fsub/authorizedemail/a%40b.example');
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/app/recentrefs'), '/api/v1/repository/ns%2Fapp/recentrefs');
  for (const same of ['/api/v1/repository/ns/app/nothing', '/api/v1/user/notifications', '/api/v1/repository/%zz/notification/']) {
    assert.equal(rewriteRepositoryUrl(same), same);
  }
});

test('delivery paths below a notification: inspection, one attempt, resend, health (issue 18)', () => {
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/team/app/notification/u-1/attempts/65a0b1c2d3e4f5a6b7c8d9e0'), '/api/v1/repository/ns%2Fteam%2Fapp/notification/u-1/attempts/65a0b1c2d3e4f5a6b7c8d9e0');
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/app/notification/u-1/deliveries/d%2F1/resend'), '/api/v1/repository/ns%2Fapp/notification/u-1/deliveries/d%2F1/resend');
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/app/notification/u-1/health?window=24h'), '/api/v1/repository/ns%2Fapp/notification/u-1/health?window=24h');
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/app/notification/u-1/deliveries?delivery_id=d'), '/api/v1/repository/ns%2Fapp/notification/u-1/deliveries?delivery_id=d');
  assert.equal(rewriteRepositoryUrl('/api/v1/repository/ns/app/notification/u-1/deliveries/d/nothing'), '/api/v1/repository/ns/app/notification/u-1/deliveries/d/nothing');
});
