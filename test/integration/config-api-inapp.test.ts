// In-app notifications: addressed to a user, their teams and administered orgs; newest first, paged,
// dismissed ones hidden; idempotent inserts by delivery id.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { InAppStore, type InAppTarget } from '@herald/store';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { testToken } from '../helpers/tokens.js';

let api: RunningConfigApi;
let store: InAppStore;
let alice: string;
let bob: string;

interface View {
  id: string;
  kind: string;
  created: string;
  metadata: Record<string, unknown>;
  dismissed: boolean;
  organization: string | null;
  target: InAppTarget;
}
interface Page {
  notifications: View[];
  page: number;
  has_additional: boolean;
}

before(async () => {
  api = await startConfigApi();
  store = new InAppStore(api.db.db);
  // Alice: in team acme/owners, claims org "beta", and administers namespace "acme" as a whole.
  alice = await testToken('alice', { teams: ['acme/owners'], orgs: ['beta'], grants: ['acme/*:admin'] });
  bob = await testToken('bob');
});
after(async () => {
  await api?.stop();
});

async function put(target: InAppTarget, minutesAgo: number, delivery = `d-${Math.random()}`): Promise<string> {
  const { notification } = await store.insertInApp({
    target,
    kind: 'repo_push',
    repository: 'acme/app',
    data: { repository: 'acme/app', updated_tags: [`t${minutesAgo}`] },
    delivery_id: delivery,
    created: new Date(Date.now() - minutesAgo * 60_000),
  });
  return notification.uuid;
}

test('listing, paging, dismissing and addressing', async () => {
  const mine = [
    await put({ kind: 'user', name: 'alice' }, 5),
    await put({ kind: 'team', name: 'acme/owners' }, 4),
    await put({ kind: 'org', name: 'acme' }, 3),
    await put({ kind: 'org', name: 'beta' }, 2),
    await put({ kind: 'user', name: 'alice' }, 1),
  ];
  const bobs = await put({ kind: 'user', name: 'bob' }, 0);
  await put({ kind: 'team', name: 'other/owners' }, 0);

  const all = await api.request<Page>('GET', '/api/v1/user/notifications/', { token: alice });
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.notifications.map((n) => n.id), [...mine].reverse(), 'newest first, only alice’s');
  assert.equal(all.body.has_additional, false);
  const org = all.body.notifications.find((n) => n.target.kind === 'org' && n.target.name === 'acme');
  assert.equal(org?.organization, 'acme');
  assert.deepEqual(org?.metadata, { repository: 'acme/app', updated_tags: ['t3'] });

  // Quay's default limit is 5; `created` is RFC 2822.
  assert.equal((await api.request<Page>('GET', '/api/v1/user/notifications', { token: alice })).body.notifications.length, 5);
  assert.match(all.body.notifications[0]?.created ?? '', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} -0000$/);
  // Quay's paging: page 0 (the default) and page 1 are the first page.
  const p0 = await api.request<Page>('GET', '/api/v1/user/notifications?limit=2&page=0', { token: alice });
  const p1 = await api.request<Page>('GET', '/api/v1/user/notifications?limit=2&page=1', { token: alice });
  assert.deepEqual(p0.body.notifications.map((n) => n.id), p1.body.notifications.map((n) => n.id));
  const p2 = await api.request<Page>('GET', '/api/v1/user/notifications?limit=2&page=2', { token: alice });
  const p3 = await api.request<Page>('GET', '/api/v1/user/notifications?limit=2&page=3', { token: alice });
  assert.deepEqual([p1.body.has_additional, p2.body.has_additional, p3.body.has_additional], [true, true, false]);
  assert.deepEqual([...p1.body.notifications, ...p2.body.notifications, ...p3.body.notifications].map((n) => n.id), [...mine].reverse());
  assert.equal(p2.body.page, 2);

  const first = mine[4] as string;
  const dismissed = await api.request<View>('PUT', `/api/v1/user/notifications/${first}`, { token: alice, body: { dismissed: true } });
  assert.equal(dismissed.status, 200);
  assert.equal(dismissed.body.dismissed, true);
  const after = await api.request<Page>('GET', '/api/v1/user/notifications', { token: alice });
  assert.ok(!after.body.notifications.some((n) => n.id === first), 'dismissed ones are hidden');
  assert.equal((await api.request<View>('GET', `/api/v1/user/notifications/${first}`, { token: alice })).body.dismissed, true);

  // Not addressed to the caller: 404, and untouched.
  assert.equal((await api.request('GET', `/api/v1/user/notifications/${bobs}`, { token: alice })).status, 404);
  assert.equal((await api.request('PUT', `/api/v1/user/notifications/${bobs}`, { token: alice, body: { dismissed: true } })).status, 404);
  const bobList = await api.request<Page>('GET', '/api/v1/user/notifications', { token: bob });
  assert.deepEqual(bobList.body.notifications.map((n) => [n.id, n.dismissed]), [[bobs, false]]);
});

test('bad paging and dismiss bodies are 400 naming the field', async () => {
  for (const [q, field] of [['page=x', 'page'], ['limit=1000', 'limit'], ['limit=abc', 'limit'], ['page=-1', 'page']] as const) {
    const r = await api.request<{ field: string }>('GET', `/api/v1/user/notifications?${q}`, { token: alice });
    assert.equal(r.status, 400, q);
    assert.equal(r.body.field, field);
  }
  const id = await put({ kind: 'user', name: 'alice' }, 10);
  for (const body of [{}, { dismissed: 'yes' }, [true]]) {
    const r = await api.request<{ field: string }>('PUT', `/api/v1/user/notifications/${id}`, { token: alice, body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.field, 'dismissed');
  }
});

test('insertInApp is idempotent per delivery and target', async () => {
  const target: InAppTarget = { kind: 'user', name: 'carol' };
  const base = { target, kind: 'build_failure', repository: 'acme/app', data: { build_id: 'b1' }, delivery_id: 'delivery-1' };
  const a = await store.insertInApp(base);
  const b = await store.insertInApp(base);
  assert.equal(a.inserted, true);
  assert.equal(b.inserted, false);
  assert.equal(b.notification.uuid, a.notification.uuid);
  const c = await store.insertInApp({ ...base, target: { kind: 'org', name: 'acme' } });
  assert.equal(c.inserted, true, 'another target of the same delivery is another notification');
  assert.equal(await store.col.countDocuments({ delivery_id: 'delivery-1' }), 2);
});
