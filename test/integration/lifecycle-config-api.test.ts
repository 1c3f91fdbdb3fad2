import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stackAddresses } from '@herald/config';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';

// Issue 14: the config API on the shared lifecycle. It reaches FerretDB through a TCP proxy that is
// cut and restored: /readyz is 503 naming MongoDB while it is unreachable and 200 again by itself;
// /healthz stays 200 (an outage is not a failure of the process).
let proxy: TcpProxy;
let api: RunningConfigApi;

before(async () => {
  const mongo = new URL(stackAddresses().mongoUrl);
  proxy = await TcpProxy.start({ host: mongo.hostname, port: Number(mongo.port || 27017) });
  api = await startConfigApi({ env: { MONGO_URL: `mongodb://127.0.0.1:${proxy.port}/?retryWrites=false&serverSelectionTimeoutMS=2000` } });
});

after(async () => {
  await proxy?.restore().catch(() => undefined);
  await api?.stop();
  await proxy?.cut();
});

type Probe = { status: string; state: string; reason?: string; checks?: Record<string, boolean>; recent_refs?: { state: string } };

test('config API readiness follows MongoDB, with its lifecycle state on /readyz and /healthz', { timeout: 60_000 }, async () => {
  const ready = await api.request<Probe>('GET', '/readyz');
  assert.equal(ready.status, 200);
  const { recent_refs: recentRefs, ...probe } = ready.body;
  assert.deepEqual(probe, { status: 'ready', state: 'ready', checks: { mongodb: true, kafka: true } });
  // The ref preview's consumer is reported, and is no dependency of readiness (issue 16).
  assert.ok(['joining', 'running'].includes(String(recentRefs?.state)), String(recentRefs?.state));
  assert.deepEqual((await api.request<Probe>('GET', '/healthz')).body, { status: 'ok', state: 'ready' });

  await proxy.cut();
  const down = await eventually(async () => {
    const r = await api.request<Probe>('GET', '/readyz');
    assert.equal(r.status, 503);
    return r.body;
  }, 15_000, 200);
  assert.equal(down.state, 'ready', 'the service is running: only its dependency is not');
  assert.match(String(down.reason), /^mongodb unreachable/);
  assert.deepEqual(down.checks, { mongodb: false, kafka: true });
  assert.equal((await api.request('GET', '/healthz')).status, 200, 'alive: it recovers by itself');

  await proxy.restore();
  await eventually(async () => assert.equal((await api.request('GET', '/readyz')).status, 200), 15_000, 200);
});
