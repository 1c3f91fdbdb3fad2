import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  grantCovers,
  isNamespaceAdmin,
  isRepositoryAdmin,
  parseAccessClaim,
  parseGrantSpec,
  recipientOf,
  requireNamespaceAdmin,
  requireRepositoryAdmin,
  requireSuperuser,
  ForbiddenError,
} from './grants.js';
import type { Principal } from './principal.js';

function who(grants: Principal['grants'], extra: Partial<Principal> = {}): Principal {
  return { subject: 'alice', teams: [], orgs: [], grants, superuser: false, ...extra };
}

test('grant names cover the exact repository or a namespace prefix', () => {
  assert.equal(grantCovers('ns/app', 'ns/app'), true);
  assert.equal(grantCovers('ns/app', 'ns/app2'), false);
  assert.equal(grantCovers('ns/*', 'ns/app'), true);
  assert.equal(grantCovers('ns/*', 'ns/team/app'), true);
  assert.equal(grantCovers('ns/*', 'nsx/app'), false);
  assert.equal(grantCovers('ns/*', 'ns/'), false);
  assert.equal(grantCovers('*', 'ns/app'), false);
  assert.equal(grantCovers('/*', 'ns/app'), false);
});

test('admin is the admin or * action on a repository grant', () => {
  assert.equal(isRepositoryAdmin(who([{ type: 'repository', name: 'ns/app', actions: ['admin'] }]), 'ns/app'), true);
  assert.equal(isRepositoryAdmin(who([{ type: 'repository', name: 'ns/*', actions: ['*'] }]), 'ns/app'), true);
  assert.equal(isRepositoryAdmin(who([{ type: 'repository', name: 'ns/app', actions: ['pull', 'push'] }]), 'ns/app'), false);
  assert.equal(isRepositoryAdmin(who([{ type: 'registry', name: 'ns/app', actions: ['admin'] }]), 'ns/app'), false);
  assert.equal(isRepositoryAdmin(who([{ type: 'repository', name: 'other/app', actions: ['admin'] }]), 'ns/app'), false);
  assert.equal(isRepositoryAdmin(who([], { superuser: true }), 'any/thing'), true);
  assert.throws(() => requireRepositoryAdmin(who([]), 'ns/app'), ForbiddenError);
});

test('the access claim is parsed leniently', () => {
  const g = parseAccessClaim([
    { type: 'repository', name: 'ns/app', actions: ['pull', 7, 'admin'] },
    { type: 'repository', name: 'x' },
    'junk',
    null,
  ]);
  assert.deepEqual(g, [{ type: 'repository', name: 'ns/app', actions: ['pull', 'admin'] }]);
  assert.deepEqual(parseAccessClaim('nope'), []);
});

test('grant shorthand', () => {
  assert.deepEqual(parseGrantSpec('ns/app:admin,push'), { type: 'repository', name: 'ns/app', actions: ['admin', 'push'] });
  assert.deepEqual(parseGrantSpec('ns/*'), { type: 'repository', name: 'ns/*', actions: ['admin'] });
  assert.throws(() => parseGrantSpec(':admin'));
});

test('recipient: user, teams, claimed orgs and whole-namespace admin grants', () => {
  const r = recipientOf(
    who(
      [
        { type: 'repository', name: 'acme/*', actions: ['admin'] },
        { type: 'repository', name: 'beta/*', actions: ['pull'] },
        { type: 'repository', name: 'gamma/app', actions: ['admin'] },
      ],
      { teams: ['acme/owners', 'acme/owners'], orgs: ['delta'] },
    ),
  );
  assert.deepEqual(r, { user: 'alice', teams: ['acme/owners'], orgs: ['delta', 'acme'] });
});

test('a namespace admin holds an admin grant on exactly ns/*; a repository admin in it is not one', () => {
  const grant = (name: string, actions = ['admin']) => ({ type: 'repository', name, actions });
  assert.equal(isNamespaceAdmin(who([grant('ns/*')]), 'ns'), true);
  assert.equal(isNamespaceAdmin(who([grant('ns/*', ['*'])]), 'ns'), true);
  assert.equal(isNamespaceAdmin(who([grant('ns/app')]), 'ns'), false);
  assert.equal(isNamespaceAdmin(who([grant('ns/team/*')]), 'ns'), false);
  assert.equal(isNamespaceAdmin(who([grant('ns/*', ['pull', 'push'])]), 'ns'), false);
  assert.equal(isNamespaceAdmin(who([grant('nsx/*')]), 'ns'), false);
  assert.equal(isNamespaceAdmin(who([{ type: 'registry', name: 'ns/*', actions: ['admin'] }]), 'ns'), false);
  assert.equal(isNamespaceAdmin(who([grant('/*')]), ''), false);
  assert.equal(isNamespaceAdmin(who([], { superuser: true }), 'any'), true);
  assert.throws(() => requireNamespaceAdmin(who([grant('ns/app')]), 'ns'), ForbiddenError);
  assert.doesNotThrow(() => requireNamespaceAdmin(who([grant('ns/*')]), 'ns'));
});

test('only the superuser passes requireSuperuser, whatever its grants', () => {
  assert.throws(() => requireSuperuser(who([{ type: 'repository', name: 'ns/*', actions: ['*'] }])), ForbiddenError);
  assert.doesNotThrow(() => requireSuperuser(who([], { superuser: true })));
});
