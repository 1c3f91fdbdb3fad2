import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEvent, type EventKind } from '@herald/events';
import { createKafka } from '@herald/kafka';
import { confirmByLink, ensureStack, seedDemo, type ServiceName } from '@herald/infra';
import { createEventPublisher, type EventPublisher } from '@herald/producer';
import { eventually } from '../helpers/wait.js';
import { SystemFixture } from '../support/system-fixture.js';

// SIGTERM to each service while it is busy: it stops within SHUTDOWN_TIMEOUT_MS, and after a restart
// every delivery still arrives (nothing lost: work in flight either completed or is redone).
const SHUTDOWN_TIMEOUT_MS = 10_000;
const EVENTS = 200;
const sys = new SystemFixture({ SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), DELIVERY_RETRY_DELAYS_MS: '500,500' });
let publisher: EventPublisher;
const figures: Record<string, unknown>[] = [];

before(async () => {
  await sys.start();
  const confirm = async () => {
    const link = await eventually(() => {
      const text = sys.mails.map((m) => m.raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=')).join('\n');
      const found = /(https?:\/\/[^\s"<>]+\/authrepoemail\?code=[A-Za-z0-9_-]+)/.exec(text)?.[1];
      assert.ok(found, 'confirmation mail');
      return found;
    }, 20_000);
    assert.equal((await confirmByLink(link)).status, 200);
  };
  await seedDemo(sys.apiUrl, sys.token, sys.inbox.url, confirm, sys.repository);
  const stack = await ensureStack();
  publisher = createEventPublisher({ kafka: createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-shutdown-test' }), registryUrl: stack.registryUrl });
  await publisher.connect();
});

after(async () => {
  console.log(JSON.stringify({ test: 'graceful-shutdown', shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS, figures }));
  await publisher?.disconnect();
  await sys.stop();
});

/** How many deliveries of this run's events with `marker` each receiver got (distinct markers). */
async function arrived(receiver: string, marker: string): Promise<number> {
  const seen = new Set<string>();
  const rx = new RegExp(`${marker}-(\\d+)`, 'g');
  let bodies: string[];
  if (receiver === 'mail') bodies = sys.mails.map((m) => m.raw.replace(/=\r?\n/g, ''));
  else if (receiver === 'inapp') bodies = await inAppBodies();
  else bodies = sys.inbox.received.filter((r) => r.receiver === receiver).map((r) => r.body);
  for (const b of bodies) for (const m of b.matchAll(rx)) seen.add(m[1]!);
  return seen.size;
}

/** The demo admin's in-app notifications, as JSON text per page. */
async function inAppBodies(): Promise<string[]> {
  const out: string[] = [];
  for (let page = 1; page <= 20; page++) {
    const res = await sys.api<{ has_additional: boolean }>('GET', `/api/v1/user/notifications?page=${page}&limit=100`);
    if (res.status !== 200) break;
    out.push(JSON.stringify(res.body));
    if (!res.body.has_additional) break;
  }
  return out;
}

// Each case: the service to stop, the event kind that reaches it (per the demo's notifications), and
// where its deliveries show up. Event texts carry a marker so each delivery can be counted.
const CASES: { service: ServiceName; kind: EventKind; receiver: string }[] = [
  { service: 'router', kind: 'repo_push', receiver: 'webhook' },
  { service: 'delivery-webhook', kind: 'repo_push', receiver: 'webhook' },
  { service: 'delivery-slack', kind: 'vulnerability_found', receiver: 'slack' },
  { service: 'delivery-flowdock', kind: 'build_success', receiver: 'flowdock' },
  { service: 'delivery-hipchat', kind: 'repo_mirror_sync_failed', receiver: 'hipchat' },
  { service: 'delivery-email', kind: 'build_failure', receiver: 'mail' },
  { service: 'delivery-inapp', kind: 'repo_push', receiver: 'inapp' },
];

function markedEvent(kind: EventKind, marker: string) {
  const repository = sys.repository;
  switch (kind) {
    case 'repo_push':
      return sampleEvent(kind, { repository, body: { updated_tags: [marker] } });
    case 'vulnerability_found':
      return sampleEvent(kind, { repository, body: { tags: [marker] } });
    case 'build_success':
    case 'build_failure':
      return sampleEvent(kind, { repository, body: { docker_tags: [marker] } });
    default:
      return sampleEvent('repo_mirror_sync_failed', { repository, body: { message: marker } });
  }
}

for (const c of CASES) {
  test(`SIGTERM to ${c.service} under load: stops within the bound, nothing lost`, { timeout: 180_000 }, async () => {
    const marker = `m${sys.id}${c.service.replace(/[^a-z]/g, '')}`;
    const events = Array.from({ length: EVENTS }, (_, i) => markedEvent(c.kind, `${marker}-${i}`));
    // In-app delivery is a MongoDB insert and its progress is read through the API's pages: paced
    // slower, so that the signal lands while events are still coming.
    const paceMs = c.receiver === 'inapp' ? 400 : 50;
    const publishing = (async () => {
      for (let i = 0; i < EVENTS; i += 20) {
        await publisher.publish(events.slice(i, i + 20));
        await new Promise((r) => setTimeout(r, paceMs));
      }
    })();
    // Stop it while deliveries are flowing.
    await eventually(async () => assert.ok((await arrived(c.receiver, marker)) >= 10, 'deliveries flowing'), 60_000, 20);
    const proc = sys.services.get(c.service)!;
    const t0 = Date.now();
    const code = await proc.kill('SIGTERM');
    const stopMs = Date.now() - t0;
    const atStop = await arrived(c.receiver, marker);
    await publishing;
    await sys.restart(c.service, `${c.service}-restarted`);
    await eventually(async () => assert.equal(await arrived(c.receiver, marker), EVENTS, 'all delivered'), 120_000, 200);
    figures.push({ service: c.service, stopMs, exitCode: code, deliveredAtStop: atStop, delivered: await arrived(c.receiver, marker), events: EVENTS });
    assert.equal(code, 0, 'clean exit');
    assert.ok(stopMs <= SHUTDOWN_TIMEOUT_MS, `stopped in ${stopMs} ms`);
  });
}

test('SIGTERM to config-api under request load: in-flight requests complete, every acknowledged create is stored', { timeout: 120_000 }, async () => {
  const base = `/api/v1/repository/${sys.repository}/notification/`;
  const acknowledged: string[] = [];
  const statuses = new Map<string, number>();
  let running = true;
  const loop = async (w: number) => {
    for (let i = 0; running; i++) {
      const title = `load-${w}-${i}`;
      const status = await sys
        .api('POST', base, { title, event: 'repo_image_expiry', method: 'webhook', config: { url: `${sys.inbox.url}/load` }, eventConfig: { days: 1 } })
        .then((r) => String(r.status), () => 'refused');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === '201') acknowledged.push(title);
      if (status === 'refused') await new Promise((r) => setTimeout(r, 50));
    }
  };
  const workers = Array.from({ length: 8 }, (_, w) => loop(w));
  await eventually(() => assert.ok(acknowledged.length >= 20, 'requests flowing'), 30_000, 20);
  const proc = sys.services.get('config-api')!;
  const t0 = Date.now();
  const code = await proc.kill('SIGTERM');
  const stopMs = Date.now() - t0;
  await sys.restart('config-api', 'config-api-restarted');
  await new Promise((r) => setTimeout(r, 500));
  running = false;
  await Promise.all(workers);
  const stored = await sys.api<{ notifications: { title: string }[] }>('GET', base);
  const titles = new Set(stored.body.notifications.map((n) => n.title));
  const lost = acknowledged.filter((t) => !titles.has(t));
  figures.push({ service: 'config-api', stopMs, exitCode: code, acknowledged: acknowledged.length, lost: lost.length, statuses: Object.fromEntries(statuses) });
  assert.equal(code, 0, 'clean exit');
  assert.ok(stopMs <= SHUTDOWN_TIMEOUT_MS, `stopped in ${stopMs} ms`);
  assert.deepEqual(lost, [], 'acknowledged creates missing');
  assert.ok(![...statuses.keys()].some((s) => s.startsWith('5') && s !== '503'), `no 5xx but 503 while closing: ${JSON.stringify(Object.fromEntries(statuses))}`);
});
