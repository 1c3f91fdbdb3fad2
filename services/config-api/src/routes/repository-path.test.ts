import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { checkRepositoryName, parseRepositoryPath } from './repository-path.js';

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

test('repository names', () => {
  for (const ok of ['ns/app', 'ns/team/app', 'my-org/my_app.v2', 'a/b__c']) checkRepositoryName(ok);
  for (const bad of ['ns', '/app', 'ns/', 'ns//app', 'NS/app', 'ns/app!', 'ns/-app', `ns/${'a'.repeat(300)}`, 'ns/notification/../x']) {
    assert.throws(() => checkRepositoryName(bad), ValidationError, bad);
  }
});
