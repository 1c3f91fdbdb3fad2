import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressGuard } from './address-guard.js';
import { AllowList } from './allow-list.js';
import { SsrfRefusedError } from './guard-errors.js';

const refusedAs = (guard: AddressGuard, host: string, kind: string) =>
  assert.throws(
    () => guard.decide(host, [host.replace(/^\[|\]$/g, '')]),
    (err: unknown) => err instanceof SsrfRefusedError && err.details?.['kind'] === kind,
    `${host} should be refused as ${kind}`,
  );

test('refuses loopback, private, link-local, metadata, CGNAT, unique-local and friends', () => {
  const guard = new AddressGuard();
  for (const [host, kind] of [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    // IPv6 spellings of IPv4 addresses are judged by the IPv4 address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
  ] as const) {
    refusedAs(guard, host, kind);
  }
});

test('admits public addresses', () => {
  const guard = new AddressGuard();
  for (const host of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(guard.decide(host, [host]).address, host);
  }
});

test('a name is refused when any of its addresses is refused (no half-poisoned names)', async () => {
  const guard = new AddressGuard({ resolve: async () => [{ address: '8.8.8.8', family: 4 }, { address: '10.0.0.1', family: 4 }] });
  await assert.rejects(guard.check('hooks.example.com'), (err: unknown) => err instanceof SsrfRefusedError && /10\.0\.0\.1/.test(err.message));
  const ok = new AddressGuard({ resolve: async () => [{ address: '8.8.8.8', family: 4 }] });
  assert.deepEqual(await ok.check('Hooks.Example.com.'), { hostname: 'hooks.example.com', address: '8.8.8.8', family: 4 });
});

test('names resolving to metadata or private addresses are refused at the decision, before any connection', async () => {
  const table: Record<string, string> = { 'meta.test': '169.254.169.254', 'internal.test': '10.0.0.1', 'loop.test': '127.0.0.1', 'six.test': '::1' };
  const guard = new AddressGuard({ resolve: async (h) => [{ address: table[h] ?? '8.8.8.8', family: (table[h] ?? '').includes(':') ? 6 : 4 }] });
  for (const host of Object.keys(table)) await assert.rejects(guard.check(host), SsrfRefusedError, host);
});

test('the allow-list admits ranges, single addresses and host names', async () => {
  const guard = new AddressGuard({ allow: new AllowList(['127.0.0.1', '10.1.0.0/16', 'hooks.internal', '*.corp.example', '::1']) });
  assert.equal(guard.decide('127.0.0.1', ['127.0.0.1']).address, '127.0.0.1');
  assert.equal(guard.decide('::ffff:127.0.0.1', ['::ffff:127.0.0.1']).family, 6);
  assert.equal(guard.decide('10.1.2.3', ['10.1.2.3']).address, '10.1.2.3');
  assert.equal(guard.decide('::1', ['::1']).address, '::1');
  assert.throws(() => guard.decide('127.0.0.2', ['127.0.0.2']), SsrfRefusedError);
  assert.throws(() => guard.decide('10.2.0.1', ['10.2.0.1']), SsrfRefusedError);
  assert.equal(guard.decide('hooks.internal', ['192.168.0.9']).address, '192.168.0.9');
  assert.equal(guard.decide('a.b.corp.example', ['192.168.0.9']).address, '192.168.0.9');
  assert.throws(() => guard.decide('corp.example.evil', ['192.168.0.9']), SsrfRefusedError);
});

test('a bad allow-list entry is reported', () => {
  assert.throws(() => new AllowList(['10.0.0.0/33', 'ok.example', 'not a host']), /10\.0\.0\.0\/33.*not a host/);
});
