import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { sampleEvent } from '@herald/events';
import { createKafka, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { activeTracer, context, startTracing, trace, type Tracing } from '@herald/observability';
import { createEventPublisher, type EventPublisher } from '@herald/producer';
import type { NotificationDoc } from '@herald/subscriptions';
import { startOtlpReceiver, startService, SPAN_KIND, type OtlpReceiver, type ReceivedSpan, type ServiceProcess } from '@herald/testing';
import { eventually } from '../helpers/wait.js';
import { TEST_BROKERS, TEST_REGISTRY_URL } from '../support/job-reader.js';
import { distributionEvent, IngestFixture } from '../support/ingest-fixture.js';
import { RouterFixture, uniqueRepo } from '../support/router-fixture.js';
import { startReceiver, type Receiver } from './webhook-fixture.js';

// Issue 19 (OpenTelemetry): one trace from the publisher through the router and the webhook
// service (each its own process, exporting OTLP/HTTP protobuf) to the receiver's traceparent.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/;
const PASSWORD = `pw${randomBytes(6).toString('hex')}`;
const PATH_TOKEN = `Tk${randomBytes(12).toString('hex')}`;
const QUERY_TOKEN = `q${randomBytes(8).toString('hex')}`;
const SECRETS = [PASSWORD, PATH_TOKEN, QUERY_TOKEN];

const kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-tracing-test' });
const traced = new RouterFixture();
const plain = new RouterFixture();
const sampled = new RouterFixture();
let otlp: OtlpReceiver;
let rx: Receiver;
let tracing: Tracing;
let publisher: EventPublisher;
const processes: ServiceProcess[] = [];
let tracedPair: ServiceProcess[] = [];

/** A router and a webhook service of `fx`, reading only what comes next. */
async function startPair(fx: RouterFixture, extra: Record<string, string>, label: string): Promise<ServiceProcess[]> {
  const group = `herald-tracing-${fx.id}`;
  await setGroupOffsetsToEnd(kafka, group, [TOPICS.jobs('webhook'), TOPICS.retry('webhook', 1), TOPICS.retry('webhook', 2)]);
  await setGroupOffsetsToEnd(kafka, fx.env['ROUTER_GROUP_ID']!, [TOPICS.repositoryEvents]);
  // The receivers fail each delivery's first attempt on purpose: no circuit breaker (a burst of such
  // failures would open it and the retries would wait out its back-off).
  const webhook = startService(
    'delivery-webhook',
    { ...fx.env, ...extra, DELIVERY_GROUP_ID: group, DELIVERY_RETRY_DELAYS_MS: '200,400', WEBHOOK_ALLOW_LIST: '127.0.0.1', BREAKER_FAILURES: '0' },
    `webhook-${label}-${fx.id}`,
  );
  const router = startService('router', { ...fx.env, ...extra }, `router-${label}-${fx.id}`);
  const pair = [await webhook, await router];
  processes.push(...pair);
  await Promise.all(pair.map((p) => p.ready(90_000)));
  return pair;
}

async function webhookFor(fx: RouterFixture, repository: string, url: string): Promise<NotificationDoc> {
  const doc = await fx.store.insert({
    uuid: randomUUID(),
    repository,
    event: 'repo_push',
    method: 'webhook',
    config: { url },
    event_config: {},
    title: null,
    signing_secret: `whsec_${randomBytes(24).toString('base64')}`,
    created_by: 'alice',
  });
  await fx.feed.upsert(doc);
  return doc;
}

before(async () => {
  otlp = await startOtlpReceiver();
  // The first request of each delivery fails (500): its retry must stay in the same trace.
  const seen = new Set<string>();
  rx = await startReceiver((r) => {
    const id = String(r.headers['webhook-id']);
    if (seen.has(id)) return { status: 200 };
    seen.add(id);
    return { status: 500 };
  });
  await Promise.all([traced.setup(), plain.setup(), sampled.setup()]);
  // This process is the registry side: its publisher exports too.
  tracing = await startTracing({ service: 'herald-test-registry', env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_SAMPLER: 'always_on' }, contextManager: true });
  publisher = createEventPublisher({ kafka, registryUrl: TEST_REGISTRY_URL, tracer: activeTracer() });
  await publisher.connect();
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '100' };
  tracedPair = await startPair(traced, otel, 'traced');
});

after(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGTERM')));
  await publisher?.disconnect();
  await tracing?.shutdown();
  await Promise.all([traced.teardown(), plain.teardown(), sampled.teardown()]);
  await rx?.close();
  await otlp?.close();
});

test('one trace: publisher → router → webhook attempts → receiver, parents, kinds, attributes, no secrets', { timeout: 120_000 }, async () => {
  const repository = uniqueRepo('trace');
  const hook = await webhookFor(traced, repository, `http://hook-user:${PASSWORD}@127.0.0.1:${rx.port}/hooks/${PATH_TOKEN}?token=${QUERY_TOKEN}`);
  const event = sampleEvent('repo_push', { repository });
  // The caller's active span is the publisher span's parent.
  const tracer = activeTracer();
  assert.ok(tracer);
  const push = tracer.startSpan('registry push');
  await context.with(trace.setSpan(context.active(), push), () => publisher.publish(event));
  push.end();
  const pushId = push.spanContext().spanId;
  const traceId = push.spanContext().traceId;

  const requests = await eventually(() => {
    const got = rx.requests.filter((r) => r.url.startsWith(`/hooks/${PATH_TOKEN}`));
    assert.equal(got.length, 2, 'a failed attempt and its retry');
    return got;
  }, 30_000);
  const parents = requests.map((r) => {
    const m = TRACEPARENT.exec(String(r.headers['traceparent']));
    assert.ok(m, `traceparent ${String(r.headers['traceparent'])}`);
    assert.equal(m[1], traceId, 'the receiver continues the publisher’s trace');
    assert.equal(m[3], '1', 'sampled');
    return m[2]!;
  });
  await tracing.shutdown();

  const spans = await eventually(() => {
    const s = otlp.spans.filter((x) => x.traceId === traceId);
    // registry push, send, router process, 2 × (attempt, POST)
    assert.equal(s.length, 7, JSON.stringify(s.map((x) => `${x.service} ${x.name}`)));
    return s;
  }, 20_000);
  const one = (pred: (s: ReceivedSpan) => boolean, what: string) => {
    const found = spans.filter(pred);
    assert.equal(found.length, 1, what);
    return found[0]!;
  };
  const send = one((s) => s.kind === SPAN_KIND.producer, 'one producer span');
  assert.equal(send.service, 'herald-test-registry');
  assert.equal(send.name, `send ${TOPICS.repositoryEvents}`);
  assert.equal(send.parentSpanId, pushId);
  assert.equal(send.attributes['messaging.system'], 'kafka');
  assert.equal(send.attributes['messaging.operation.type'], 'send');
  assert.equal(send.attributes['messaging.destination.name'], TOPICS.repositoryEvents);
  assert.equal(send.attributes['messaging.message.id'], event.event_id);
  assert.equal(typeof send.attributes['messaging.kafka.offset'], 'number');

  const routed = one((s) => s.service === 'herald-router', 'one router span');
  assert.equal(routed.kind, SPAN_KIND.consumer);
  assert.equal(routed.name, `process ${TOPICS.repositoryEvents}`);
  assert.equal(routed.parentSpanId, send.spanId);
  assert.equal(routed.attributes['messaging.operation.type'], 'process');
  assert.equal(routed.attributes['messaging.destination.partition.id'], send.attributes['messaging.destination.partition.id']);
  assert.equal(routed.attributes['messaging.kafka.offset'], send.attributes['messaging.kafka.offset']);
  assert.equal(routed.attributes['herald.jobs'], 1);

  const attempts = spans.filter((s) => s.service === 'herald-delivery-webhook' && s.kind === SPAN_KIND.consumer);
  assert.deepEqual(attempts.map((s) => s.attributes['herald.delivery.attempt']).sort(), [1, 2]);
  for (const a of attempts) {
    // A retried job keeps its headers: both attempts are children of the router's span.
    assert.equal(a.parentSpanId, routed.spanId);
    assert.equal(a.attributes['messaging.destination.name'], a.attributes['herald.delivery.attempt'] === 1 ? TOPICS.jobs('webhook') : TOPICS.retry('webhook', 1));
    assert.equal(a.attributes['messaging.kafka.message.key'], hook.uuid);
  }
  const [first, second] = [1, 2].map((n) => attempts.find((a) => a.attributes['herald.delivery.attempt'] === n)!);
  assert.equal(first?.statusCode, 2);
  assert.ok(first?.attributes['error.type']);
  assert.equal(second?.statusCode, 0);
  assert.equal(second?.attributes['error.type'], undefined);

  const posts = spans.filter((s) => s.kind === SPAN_KIND.client);
  assert.equal(posts.length, 2);
  for (const p of posts) {
    assert.equal(p.name, 'POST');
    assert.ok(attempts.some((a) => a.spanId === p.parentSpanId), 'each request is a child of its attempt');
    assert.equal(p.attributes['http.request.method'], 'POST');
    assert.equal(p.attributes['server.address'], '127.0.0.1');
    assert.equal(p.attributes['server.port'], rx.port);
    assert.equal(p.attributes['url.full'], `http://****:****@127.0.0.1:${rx.port}/hooks/****?token=****`);
  }
  // The receiver's traceparent names the request's span.
  assert.deepEqual([...parents].sort(), posts.map((p) => p.spanId).sort());
  const failed = posts.find((p) => p.parentSpanId === first?.spanId);
  assert.equal(failed?.attributes['http.response.status_code'], 500);
  assert.equal(failed?.attributes['error.type'], '500');
  assert.equal(posts.find((p) => p.parentSpanId === second?.spanId)?.attributes['http.response.status_code'], 200);

  // No secret (userinfo, path token, query value, signing secret) nor the payload in any attribute.
  const everything = JSON.stringify(otlp.spans);
  for (const secret of [...SECRETS, hook.signing_secret ?? 'none']) assert.ok(!everything.includes(secret), `a span attribute holds ${secret}`);
  assert.ok(!everything.includes('updated_tags'), 'no payload in attributes');
});

test('Slack (as Flowdock and HipChat, through postJson): the request is a client span and carries its traceparent', { timeout: 120_000 }, async () => {
  const group = `herald-tracing-slack-${traced.id}`;
  const topics = [TOPICS.jobs('slack'), TOPICS.retry('slack', 1), TOPICS.retry('slack', 2)];
  await setGroupOffsetsToEnd(kafka, group, topics);
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '100' };
  const slack = await startService('delivery-slack', { ...traced.env, ...otel, DELIVERY_GROUP_ID: group, DELIVERY_RETRY_DELAYS_MS: '200,400', SLACK_ALLOW_LIST: '127.0.0.1' }, `slack-traced-${traced.id}`);
  processes.push(slack);
  await slack.ready(90_000);
  const repository = uniqueRepo('trace-slack');
  const path = `/slack/${randomBytes(4).toString('hex')}`;
  const doc = await traced.store.insert({
    uuid: randomUUID(),
    repository,
    event: 'repo_push',
    method: 'slack',
    config: { url: `${rx.url}${path}` },
    event_config: {},
    title: null,
    signing_secret: '',
    created_by: 'alice',
  });
  await traced.feed.upsert(doc);
  await traced.events.publish(sampleEvent('repo_push', { repository }));
  // The receiver fails the first request without a webhook-id (this one) once: the retry succeeds.
  const request = await eventually(() => {
    const got = rx.requests.filter((r) => r.url === path);
    assert.equal(got.length, 2, 'a failed attempt and its retry');
    return got[1]!;
  }, 30_000);
  const m = TRACEPARENT.exec(String(request.headers['traceparent']));
  assert.ok(m, `traceparent ${String(request.headers['traceparent'])}`);
  const [, traceId, spanId] = m;
  const spans = await eventually(() => {
    const s = otlp.spans.filter((x) => x.traceId === traceId);
    assert.ok(s.some((x) => x.spanId === spanId), 'the request span was exported');
    return s;
  }, 20_000);
  const post = spans.find((x) => x.spanId === spanId)!;
  assert.equal(post.service, 'herald-delivery-slack');
  assert.equal(post.kind, SPAN_KIND.client);
  assert.equal(post.attributes['http.request.method'], 'POST');
  assert.equal(post.attributes['http.response.status_code'], 200);
  const attempt = spans.find((x) => x.spanId === post.parentSpanId);
  assert.equal(attempt?.service, 'herald-delivery-slack');
  assert.equal(attempt?.kind, SPAN_KIND.consumer);
  const routed = spans.find((x) => x.spanId === attempt?.parentSpanId);
  assert.equal(routed?.service, 'herald-router', 'the attempt continues the router’s span');
});

test('30 % sampling: a trace either wholly recorded or not at all; unsampled ones still carry one trace id to the receiver', { timeout: 180_000 }, async () => {
  // Routers learn every notification from the one change feed: only this pair may route these jobs.
  await Promise.all(tracedPair.map((p) => p.kill('SIGTERM')));
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.3', OTEL_BSP_SCHEDULE_DELAY: '100' };
  const pair = await startPair(sampled, otel, 'sampled');
  const repository = uniqueRepo('sampled');
  const path = `/sampled/${randomBytes(4).toString('hex')}`;
  await webhookFor(sampled, repository, `${rx.url}${path}`);
  const N = 60;
  for (let i = 0; i < N; i++) await sampled.events.publish(sampleEvent('repo_push', { repository }));
  // Each delivery: a failed attempt and its retry (the receiver fails each webhook-id once).
  const requests = await eventually(() => {
    const got = rx.requests.filter((r) => r.url === path);
    assert.equal(got.length, 2 * N);
    return got;
  }, 90_000);
  await Promise.all(pair.map((p) => p.kill('SIGTERM'))); // flushes their spans
  const byDelivery = new Map<string, { traceId: string; spanId: string; sampled: boolean }[]>();
  for (const r of requests) {
    const m = TRACEPARENT.exec(String(r.headers['traceparent']));
    assert.ok(m, `every request carries a traceparent: ${String(r.headers['traceparent'])}`);
    const id = String(r.headers['webhook-id']);
    byDelivery.set(id, [...(byDelivery.get(id) ?? []), { traceId: m[1]!, spanId: m[2]!, sampled: m[3] === '1' }]);
  }
  assert.equal(byDelivery.size, N);
  let recorded = 0;
  for (const [id, [a, b]] of byDelivery) {
    assert.ok(a && b);
    assert.equal(a.traceId, b.traceId, `${id}: both attempts in one trace`);
    assert.equal(a.sampled, b.sampled, `${id}: one decision for the trace`);
    const spans = otlp.spans.filter((x) => x.traceId === a.traceId);
    if (a.sampled) {
      recorded++;
      // router process, 2 × (attempt, POST); the receiver saw the POST spans' ids.
      assert.equal(spans.length, 5, `${id}: ${JSON.stringify(spans.map((x) => `${x.service} ${x.name}`))}`);
      assert.deepEqual(spans.filter((x) => x.kind === SPAN_KIND.client).map((x) => x.spanId).sort(), [a.spanId, b.spanId].sort());
    } else {
      assert.equal(spans.length, 0, `${id}: an unsampled trace records nothing`);
      assert.equal(a.spanId, b.spanId, `${id}: the router's unsampled context, passed on by each attempt`);
    }
  }
  // 30 % of 60 (σ ≈ 3.5): both kinds of trace were checked, and not every trace was recorded.
  assert.ok(recorded >= 1 && recorded <= 0.6 * N, `recorded ${recorded} of ${N}`);
});

test('tracing off (no OTEL endpoint): no traceparent reaches the receiver', { timeout: 120_000 }, async () => {
  // Routers learn every notification from the one change feed: the traced pair must not route these jobs.
  await Promise.all(tracedPair.map((p) => p.kill('SIGTERM')));
  await startPair(plain, {}, 'plain');
  const repository = uniqueRepo('untraced');
  await webhookFor(plain, repository, `${rx.url}/plain/${randomBytes(4).toString('hex')}`);
  await plain.events.publish(sampleEvent('repo_push', { repository }));
  const requests = await eventually(() => {
    const got = rx.requests.filter((r) => r.url.startsWith('/plain/'));
    assert.equal(got.length, 2, 'a failed attempt and its retry');
    return got;
  }, 30_000);
  for (const r of requests) {
    assert.equal(r.headers['traceparent'], undefined);
    assert.equal(r.headers['tracestate'], undefined);
  }
});

test('ingest: each event it publishes is a PRODUCER span whose traceparent the event carries', { timeout: 120_000 }, async () => {
  const ing = new IngestFixture({ INGEST_WINDOW_MS: '200', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '100' });
  await ing.start(`ingest-traced-${ing.id}`);
  try {
    const repository = ing.repo('traced');
    const res = await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository, tag: '1.0' }), distributionEvent({ action: 'push', repository, tag: '1.1' })] }, { 'content-type': 'application/vnd.docker.distribution.events.v2+json' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const [event] = await eventually(() => {
      const got = ing.of(repository);
      assert.equal(got.length, 1, 'one repo_push for the window');
      return got;
    }, 20_000);
    const m = TRACEPARENT.exec(String(event!.headers['traceparent']));
    assert.ok(m, `traceparent ${String(event!.headers['traceparent'])}`);
    const send = await eventually(() => {
      const found = otlp.spans.find((x) => x.traceId === m[1] && x.spanId === m[2]);
      assert.ok(found, 'the span the event names was exported');
      return found;
    }, 20_000);
    assert.equal(send.service, 'herald-ingest');
    assert.equal(send.kind, SPAN_KIND.producer);
    assert.equal(send.name, `send ${TOPICS.repositoryEvents}`);
    assert.equal(send.attributes['messaging.destination.name'], TOPICS.repositoryEvents);
    assert.equal(send.attributes['messaging.message.id'], event!.value.event_id);
    assert.equal(send.attributes['messaging.kafka.message.key'], repository);
    assert.equal(send.statusCode, 0);
  } finally {
    await ing.stop();
  }
});
