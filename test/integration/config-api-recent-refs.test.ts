// Issue 16: the admin page previews a ref-regex on the repository's last few refs. The config
// service records them from the build events on repository-events (its own consumer group) and
// serves them at GET …/recentrefs: the last RECENT_REFS_LIMIT distinct refs, newest first, only
// the repository's own, to its admins only; repositories with no build for the retention are pruned.
// The consumer failing (schema registry unreachable) is reported on /readyz and never makes the
// service unready, and loses nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stackAddresses } from '@herald/config';
import { sampleEvent } from '@herald/events';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { adminToken, testToken } from '../helpers/tokens.js';
import { buildEvent, startRecentRefsApi, type RecentRefsFixture } from '../helpers/recent-refs.js';
import { eventually } from '../helpers/wait.js';

const REPO = 'acme/refs-app';
const OTHER = 'acme/refs-other';
const STALE = 'acme/refs-stale';
const DAY_MS = 24 * 3600 * 1000;
// The ops port (metrics), fixed in this test's range: the helper's default is a random one it does not expose.
const OPS_PORT = 36_401;
let fx: RecentRefsFixture;

before(async () => {
  fx = await startRecentRefsApi({ env: { RECENT_REFS_LIMIT: '4', RECENT_REFS_RETENTION_DAYS: '30', OPS_PORT: String(OPS_PORT) } });
});

after(async () => {
  await fx?.stop();
});

interface RefsBody {
  refs: { ref: string; last_seen: string }[];
}

test('recent refs: the last N distinct refs of the repository, newest first, within a bounded time', { timeout: 60_000 }, async () => {
  const { api } = fx;
  const token = await adminToken(REPO, 'alice');
  const otherToken = await adminToken(OTHER, 'bob');
  // A repository not built for longer than the retention: pruned by the first batch the consumer applies.
  await api.db.db.collection('recent_refs').insertOne({ repository: STALE, refs: [{ ref: 'refs/heads/old', at: new Date(0) }], updated_at: new Date(Date.now() - 31 * DAY_MS), version: 1 });

  const empty = await api.request<RefsBody>('GET', `/api/v1/repository/${REPO}/recentrefs`, { token });
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, { refs: [] }, 'nothing built yet: an empty list, as for notifications');

  const t0 = Date.now() - 60_000;
  const t = (s: number) => t0 + s * 1000;
  await fx.events.publish([
    buildEvent('build_queued', REPO, 'refs/heads/main', t(1)),
    buildEvent('build_start', REPO, 'refs/heads/dev', t(2)),
    sampleEvent('repo_push', { repository: REPO }),
    buildEvent('build_success', REPO, 'refs/heads/main', t(3)),
    buildEvent('build_failure', REPO, 'refs/tags/v1.0.0', t(4)),
    buildEvent('build_start', OTHER, 'refs/heads/secret', t(5)),
    buildEvent('build_cancelled', REPO, 'refs/heads/feature/login', t(6)),
    buildEvent('build_queued', REPO, undefined, t(7)),
    buildEvent('build_success', REPO, 'refs/heads/release-2', t(8)),
  ]);
  const published = Date.now();
  const expected = ['refs/heads/release-2', 'refs/heads/feature/login', 'refs/tags/v1.0.0', 'refs/heads/main'];
  const got = await eventually(
    async () => {
      const r = await api.request<RefsBody>('GET', `/api/v1/repository/${REPO}/recentrefs`, { token });
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.refs.map((x) => x.ref),
        expected,
      );
      return r.body;
    },
    20_000,
    100,
  );
  const visibleMs = Date.now() - published;
  console.log(`# recent refs visible through the API ${visibleMs} ms after publishing`);
  assert.ok(visibleMs < 20_000);
  // refs/heads/dev was pushed out by the limit; main appears once, with its newest build's time.
  assert.equal(got.refs[3]?.last_seen, new Date(t(3)).toUTCString().replace(/GMT$/, '-0000'));

  const other = await api.request<RefsBody>('GET', `/api/v1/repository/${OTHER}/recentrefs`, { token: otherToken });
  assert.deepEqual(other.body.refs.map((x) => x.ref), ['refs/heads/secret'], "another repository's refs stay its own");
  assert.equal(await api.db.db.collection('recent_refs').countDocuments({ repository: STALE }), 0, 'the stale repository was pruned');

  // Replaying the same events (a consumer restarted before its commit) changes nothing.
  const before = await api.db.db.collection('recent_refs').findOne({ repository: REPO });
  await fx.events.publish([buildEvent('build_success', REPO, 'refs/heads/main', t(3)), buildEvent('build_start', OTHER, 'refs/heads/other-2', t(9))]);
  await eventually(async () => {
    const r = await api.request<RefsBody>('GET', `/api/v1/repository/${OTHER}/recentrefs`, { token: otherToken });
    assert.deepEqual(r.body.refs.map((x) => x.ref), ['refs/heads/other-2', 'refs/heads/secret']);
  }, 20_000, 100);
  const afterReplay = await api.db.db.collection('recent_refs').findOne({ repository: REPO });
  assert.deepEqual(afterReplay?.['refs'], before?.['refs']);
  assert.equal(afterReplay?.['version'], before?.['version'], 'an unchanged list is not written');

  const ready = await api.request<{ status: string; recent_refs: { state: string } }>('GET', '/readyz');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.recent_refs.state, 'running');
  // On /metrics: the state, and the lag of the consumer's group, 0 once it committed what it recorded.
  await eventually(async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${OPS_PORT}/metrics`)).text();
    assert.match(metrics, /^herald_recent_refs_consumer_state\{[^}]*state="running"[^}]*\} 1$/m);
    const lags = [...metrics.matchAll(/^herald_consumer_lag\{[^}]*topic="repository-events"[^}]*\} (\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(lags.length > 0, 'lag per partition');
    assert.equal(lags.reduce((a, b) => a + b, 0), 0);
  }, 20_000, 200);
});

test('recent refs: refused without a token, to non-admins, and to admins of another repository', async () => {
  const { api } = fx;
  const path = `/api/v1/repository/${REPO}/recentrefs`;
  const anonymous = await api.request('GET', path);
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.equal((await api.request('GET', path, { token: await adminToken(OTHER, 'bob') })).status, 403);
  assert.equal((await api.request('GET', path, { token: await testToken('carol', { grants: [`${REPO}:pull`] }) })).status, 403);
  const wrongMethod = await api.request('POST', path, { token: await adminToken(REPO, 'alice') });
  assert.equal(wrongMethod.status, 405);
  assert.equal((await api.request('GET', '/api/v1/repository/acme/recentrefs', { token: await adminToken('acme/*', 'alice') })).status, 400, 'a repository name needs namespace/name');
});

test('recent refs: the schema registry unreachable — still ready, the consumer reported retrying, nothing lost', { timeout: 90_000 }, async () => {
  const registry = new URL(stackAddresses().schemaRegistryUrl);
  const proxy = await TcpProxy.start({ host: registry.hostname, port: Number(registry.port) });
  let outage: RecentRefsFixture | undefined;
  try {
    registry.host = `127.0.0.1:${proxy.port}`;
    outage = await startRecentRefsApi({ env: { SCHEMA_REGISTRY_URL: registry.href } });
    const { api } = outage;
    type Ready = { status: string; recent_refs: { state: string; reason?: string } };
    await eventually(async () => assert.equal((await api.request<Ready>('GET', '/readyz')).body.recent_refs.state, 'running'), 30_000, 100);

    await proxy.cut();
    await outage.events.publish(buildEvent('build_start', REPO, 'refs/heads/during-outage', Date.now()));
    const during = await eventually(async () => {
      const r = await api.request<Ready>('GET', '/readyz');
      assert.equal(r.status, 200, 'ready: only the preview depends on this consumer');
      assert.ok(['retrying', 'restarting'].includes(r.body.recent_refs.state), r.body.recent_refs.state);
      return r.body.recent_refs;
    }, 30_000, 100);
    assert.ok(during.reason, 'the reason is reported');
    const token = await adminToken(REPO, 'alice');
    assert.equal((await api.request('GET', `/api/v1/repository/${REPO}/recentrefs`, { token })).status, 200, 'the route still answers');

    await proxy.restore();
    await eventually(async () => {
      const r = await api.request<RefsBody>('GET', `/api/v1/repository/${REPO}/recentrefs`, { token });
      assert.deepEqual(r.body.refs.map((x) => x.ref), ['refs/heads/during-outage']);
    }, 45_000, 200);
    await eventually(async () => assert.equal((await api.request<Ready>('GET', '/readyz')).body.recent_refs.state, 'running'), 30_000, 100);
  } finally {
    await outage?.stop();
    await proxy.cut();
  }
});
