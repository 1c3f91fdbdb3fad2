import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEvent, type EventKind } from '@herald/events';
import { createKafka } from '@herald/kafka';
import { ensureStack, seedDemo, type ServiceName } from '@herald/infra';
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
    await fetch(link);
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
function arrived(receiver: string, marker: string): number {
  const seen = new Set<string>();
  const rx = new RegExp(`${marker}-(\\d+)`, 'g');
  const bodies = receiver === 'mail' ? sys.mails.map((m) => m.raw.replace(/=\r?\n/g, '')) : sys.inbox.received.filter((r) => r.receiver === receiver).map((r) => r.body);
  for (const b of bodies) for (const m of b.matchAll(rx)) seen.add(m[1]!);
  return seen.size;
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
    const publishing = (async () => {
      for (let i = 0; i < EVENTS; i += 20) {
        await publisher.publish(events.slice(i, i + 20));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // Stop it while deliveries are flowing.
    await eventually(() => assert.ok(arrived(c.receiver, marker) >= 10), 60_000, 20);
    const proc = sys.services.get(c.service)!;
    const t0 = Date.now();
    const code = await proc.kill('SIGTERM');
    const stopMs = Date.now() - t0;
    const atStop = arrived(c.receiver, marker);
    await publishing;
    await sys.restart(c.service, `${c.service}-restarted`);
    await eventually(() => assert.equal(arrived(c.receiver, marker), EVENTS), 120_000, 200);
    figures.push({ service: c.service, stopMs, exitCode: code, deliveredAtStop: atStop, delivered: arrived(c.receiver, marker), events: EVENTS });
    assert.equal(code, 0, 'clean exit');
    assert.ok(stopMs <= SHUTDOWN_TIMEOUT_MS, `stopped in ${stopMs} ms`);
  });
}
