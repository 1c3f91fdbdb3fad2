import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { sampleEvent, SchemaRegistryCodec } from '@herald/events';
import { createKafka, TOPICS } from '@herald/kafka';
import { ROOT } from '@herald/testing';
import { eventually } from '../helpers/wait.js';
import { TailReader, TEST_BROKERS, TEST_REGISTRY_URL } from '../support/job-reader.js';
import { RouterFixture, uniqueRepo } from '../support/router-fixture.js';

// Issue 14, honest lifecycle in the router: a fenced transactional producer cannot recover by
// itself (the process fails and exits non-zero, nothing is published twice); an unreachable schema
// registry for a schema id the router has not cached is an outage (/readyz 503 naming it, the event
// retried and routed once the registry is back), never a poison event.
const fx = new RouterFixture();
const kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-lifecycle-router-test' });
const dlq = new TailReader<Buffer | null>(kafka, new SchemaRegistryCodec({ url: TEST_REGISTRY_URL }), [TOPICS.repositoryEventsDlq], () => true, async (_c, v) => v);

before(async () => {
  await fx.setup();
  await dlq.start();
});

after(async () => {
  await dlq.stop();
  await fx.teardown();
});

async function probe(port: number, path: string): Promise<{ status: number; state?: string; reason?: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  const body = (await r.json()) as { state?: string; reason?: string };
  return { status: r.status, state: body.state, reason: body.reason };
}

const exitOf = (p: { child: { exitCode: number | null; once(e: 'exit', l: (code: number | null) => void): void } }) =>
  new Promise<number | null>((resolve) => (p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', resolve)));

test('a fenced producer fails the router: /healthz 503 naming it, exit 1, the fenced batch not published', { timeout: 120_000 }, async () => {
  const repo = uniqueRepo('fenced');
  const n = await fx.notify(repo, 'repo_push', 'webhook', {}, true);
  const router = await fx.startRouter(`router-fenced-${fx.id}`);
  const exited = exitOf(router);
  await fx.events.publish(sampleEvent('repo_push', { repository: repo }));
  await eventually(() => assert.equal(fx.jobsFor(n.uuid).length, 1), 30_000, 100);

  // A second producer with the router's transactional id (a replica started with the same
  // ROUTER_INSTANCE_ID, or a restart that was not one): initialising it fences the router's.
  const usurper = kafka.producer({ transactionalId: `herald-router-${fx.env['ROUTER_INSTANCE_ID']}`, idempotent: true, maxInFlightRequests: 1 });
  await usurper.connect();
  // kafkajs registers the transactional id (InitProducerId, which bumps the epoch) at the first transaction.
  await (await usurper.transaction()).abort();
  try {
    const fencedEvent = sampleEvent('repo_push', { repository: repo });
    await fx.events.publish(fencedEvent);
    const health = await eventually(async () => {
      const h = await probe(router.opsPort, '/healthz');
      assert.equal(h.status, 503);
      return h;
    }, 30_000, 100);
    assert.equal(health.state, 'failed');
    assert.match(String(health.reason), /transactional producer fenced \((INVALID_PRODUCER_EPOCH|PRODUCER_FENCED)/);
    const ready = await probe(router.opsPort, '/readyz');
    assert.equal(ready.status, 503);
    assert.match(String(ready.reason), /^failed: kafka: transactional producer fenced/);
    assert.match(await (await fetch(`http://127.0.0.1:${router.opsPort}/metrics`)).text(), /herald_lifecycle_state\{state="failed",service="router"\} 1/);
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 30_000))]);
    assert.equal(code, 1, 'exits non-zero so that it is restarted');
    // The fenced transaction was aborted: the event's job is not there (read_committed), and the
    // event stays uncommitted for the next router.
    assert.equal(fx.jobsFor(n.uuid).filter((m) => m.value.event.event_id === fencedEvent.event_id).length, 0);
    const log = readFileSync(router.logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; to?: string });
    assert.equal(log.filter((l) => l.msg === 'lifecycle transition' && l.to === 'failed').length, 1, 'failed once, no retry loop');
    // A router that owns the id again routes the event exactly once.
    fx.router = undefined;
    await fx.startRouter(`router-fenced-2-${fx.id}`);
    await eventually(() => assert.equal(fx.jobsFor(n.uuid).filter((m) => m.value.event.event_id === fencedEvent.event_id).length, 1), 30_000, 100);
  } finally {
    await usurper.disconnect();
  }
});

const stack = (...args: string[]) => promisify(execFile)(process.execPath, [`${ROOT}/scripts/stack.mjs`, ...args], { cwd: ROOT, env: process.env });

test('schema registry down for an uncached schema id: /readyz 503 naming it, event retried, routed once it is back', { timeout: 180_000 }, async () => {
  const repo = uniqueRepo('registry');
  const n = await fx.notify(repo, 'repo_push', 'webhook', {}, true);
  await fx.router?.kill('SIGTERM');
  // A fresh router has cached no event schema id yet: the first event sends it to the registry.
  const router = await fx.startRouter(`router-registry-${fx.id}`);
  assert.equal((await probe(router.opsPort, '/readyz')).status, 200);
  await stack('down', 'registry');
  let restarted = false;
  try {
    const ev = sampleEvent('repo_push', { repository: repo });
    await fx.events.publish(ev);
    const down = await eventually(async () => {
      const r = await probe(router.opsPort, '/readyz');
      assert.equal(r.status, 503);
      return r;
    }, 30_000, 200);
    assert.match(String(down.reason), /^schema-registry unreachable/);
    assert.equal((await probe(router.opsPort, '/healthz')).status, 200, 'alive: it recovers by itself');
    assert.equal(fx.jobsFor(n.uuid).length, 0);
    await stack('up', 'registry');
    restarted = true;
    const back = Date.now();
    await eventually(async () => assert.equal((await probe(router.opsPort, '/readyz')).status, 200), 60_000, 200);
    await eventually(() => assert.equal(fx.jobsFor(n.uuid).length, 1), 60_000, 100);
    console.log(JSON.stringify({ test: 'lifecycle-router-registry', readyAgainMs: Date.now() - back }));
    assert.equal(fx.jobsFor(n.uuid)[0]?.value.event.event_id, ev.event_id);
    assert.equal(dlq.messages.filter((m) => m.key === repo).length, 0, 'never dead-lettered');
    assert.equal(router.child.exitCode, null, 'no restart needed');
  } finally {
    if (!restarted) await stack('up', 'registry');
  }
});
