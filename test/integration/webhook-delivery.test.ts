import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { toQuayPayload, type QuayPayload } from '@herald/events';
import { AddressGuard, SsrfRefusedError } from '@herald/http-guard';
import { HEADERS, TOPICS } from '@herald/kafka';
import { eventually } from '../helpers/wait.js';
import { makeTestCerts, type TestCerts } from './webhook-tls-certs.js';
import { startReceiver, WebhookFixture, type Instance } from './webhook-fixture.js';
import { header, TailReader } from '../support/job-reader.js';

// SPEC §3 (webhook) and §4 (requests): body and headers, signatures, templates, mTLS, SSRF, redirects.
const fx = new WebhookFixture();
const uuids = new Set<string>();
let certs: TestCerts;
let a: Instance; // allow-list 127.0.0.1 + 127.0.0.2, client certificate configured
let b: Instance; // allow-list 127.0.0.2 only, no client certificate
let dlq: TailReader;

before(async () => {
  certs = makeTestCerts();
  await fx.setup();
  dlq = new TailReader(fx.kafka, fx.codec, [TOPICS.dlq('webhook')], (k) => uuids.has(k));
  await dlq.start();
  const common = { DELIVERY_RETRY_DELAYS_MS: '200,400,600', DELIVERY_ATTEMPT_TIMEOUT_MS: '3000' };
  [a, b] = await Promise.all([
    fx.instance({ ...common, WEBHOOK_ALLOW_LIST: '127.0.0.1,127.0.0.2', WEBHOOK_TLS_CERT_FILE: certs.clientCertFile, WEBHOOK_TLS_KEY_FILE: certs.clientKeyFile, WEBHOOK_TLS_CA_FILE: certs.caFile }),
    fx.instance({ ...common, WEBHOOK_ALLOW_LIST: '127.0.0.2', WEBHOOK_TLS_CA_FILE: certs.caFile }),
  ]);
});

after(async () => {
  await dlq?.stop();
  await fx.teardown();
  certs?.remove();
});

test('body and headers are exactly as specified, and the signature verifies with standardwebhooks', async () => {
  const rx = await startReceiver();
  fx.onTeardown(rx.close);
  const n = await fx.notify(a, { url: `${rx.url}/hooks/quay?source=herald` });
  uuids.add(n.uuid);
  const job = fx.job(n, { updated_tags: ['latest', 'v1.2'] });
  const t0 = Math.floor(Date.now() / 1000);
  await fx.publish([job]);
  const [r] = await rx.waitFor(1);
  assert.ok(r);
  assert.equal(r.method, 'POST');
  assert.equal(r.url, '/hooks/quay?source=herald');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['user-agent'], 'Herald/0.1.0');
  assert.equal(r.headers['webhook-id'], job.delivery_id);
  const ts = Number(r.headers['webhook-timestamp']);
  assert.ok(ts >= t0 - 1 && ts <= Math.floor(Date.now() / 1000) + 1, `timestamp ${ts}`);
  assert.match(String(r.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(JSON.parse(r.body), toQuayPayload(job.event));
  assert.deepEqual(Object.keys(JSON.parse(r.body)), ['repository', 'namespace', 'name', 'docker_url', 'homepage', 'updated_tags']);
  // Byte for byte what Quay's json.dumps sends.
  const p = toQuayPayload(job.event) as QuayPayload<'repo_push'>;
  assert.equal(
    r.body,
    `{"repository": "${p.repository}", "namespace": "${p.namespace}", "name": "${p.name}", "docker_url": "${p.docker_url}", "homepage": "${p.homepage}", "updated_tags": ["latest", "v1.2"]}`,
  );
  const verified = new Webhook(n.signing_secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
  assert.deepEqual(verified, JSON.parse(r.body));
  assert.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(r.body, r.headers as Record<string, string>));
  const log = await eventually(async () => {
    const l = await a.attempts.list(n.uuid);
    assert.equal(l.length, 1);
    return l;
  });
  assert.equal(log[0]?.outcome, 'success');
  assert.equal(log[0]?.status_code, 200);
});

test('templates (Quay semantics): raw values, stringified embeddings, null for no match, joined matches', async () => {
  const rx = await startReceiver();
  fx.onTeardown(rx.close);
  const template = JSON.stringify({
    text: 'Pushed ${repository}: ${$.updated_tags[*]}',
    tags: '${updated_tags}',
    first: '${$.updated_tags[0]}',
    all: '${$.updated_tags[*]}',
    missing: '${$.nope}',
    embeddedMissing: 'x ${$.nope}',
    nested: { link: '${homepage}', list: ['${namespace}', 42, true, null] },
  });
  const n = await fx.notify(a, { url: rx.url, template });
  uuids.add(n.uuid);
  const job = fx.job(n, { updated_tags: ['a', 'b'] });
  await fx.publish([job]);
  const [r] = await rx.waitFor(1);
  assert.deepEqual(JSON.parse(r?.body ?? ''), {
    text: `Pushed ${n.repository}: a,b`,
    tags: ['a', 'b'],
    first: 'a',
    all: ['a', 'b'],
    missing: null,
    embeddedMissing: 'x (none)',
    nested: { link: job.event.homepage, list: [job.event.namespace, 42, true, null] },
  });
  // The signature covers the rendered body.
  assert.ok(new Webhook(n.signing_secret).verify(r?.body ?? '', r?.headers as Record<string, string>));
});

test('mTLS: a receiver that requires a client certificate accepts only when one is configured', async () => {
  const tls = { key: certs.read(certs.serverKeyFile), cert: certs.read(certs.serverCertFile), ca: certs.read(certs.caFile), requestCert: true, rejectUnauthorized: true };
  const rx = await startReceiver(() => ({ status: 204 }), { tls, host: '127.0.0.2' });
  fx.onTeardown(rx.close);
  const withCert = await fx.notify(a, { url: `${rx.url}/mtls` });
  const withoutCert = await fx.notify(b, { url: `${rx.url}/mtls` });
  uuids.add(withCert.uuid).add(withoutCert.uuid);
  await fx.publish([fx.job(withCert), fx.job(withoutCert)]);
  const [r] = await rx.waitFor(1);
  assert.equal(r?.url, '/mtls');
  // Without the certificate: every attempt fails in the handshake, retries run out, dead letter.
  const dead = await eventually(() => {
    const m = dlq.of(withoutCert.uuid);
    assert.equal(m.length, 1);
    return m[0]!;
  }, 20_000);
  assert.equal(header(dead.headers, HEADERS.dlqReason), 'retries_exhausted');
  assert.equal(rx.requests.length, 1, 'only the instance with the client certificate got through');
  const log = await eventually(async () => {
    const l = await b.attempts.list(withoutCert.uuid);
    assert.deepEqual(l.map((x) => x.outcome).reverse(), ['retry', 'retry', 'retry', 'dead_letter']);
    return l;
  });
  assert.ok(log.every((l) => l.error_class === 'tls' || l.error_class === 'connection'), JSON.stringify(log.map((l) => [l.error_class, l.error])));
  const okLog = await eventually(async () => {
    const l = await a.attempts.list(withCert.uuid);
    assert.equal(l[0]?.outcome, 'success');
    return l;
  });
  assert.equal(okLog[0]?.status_code, 204);
});

test('SSRF: loopback targets are refused without the allow-list, before connecting', async () => {
  const rx4 = await startReceiver();
  const rx6 = await startReceiver(() => ({ status: 200 }), { host: '::1' });
  fx.onTeardown(rx4.close);
  fx.onTeardown(rx6.close);
  const v4 = await fx.notify(b, { url: `http://127.0.0.1:${rx4.port}/` });
  const v6 = await fx.notify(b, { url: `http://[::1]:${rx6.port}/` });
  uuids.add(v4.uuid).add(v6.uuid);
  await fx.publish([fx.job(v4), fx.job(v6)]);
  for (const n of [v4, v6]) {
    const m = await eventually(() => {
      const found = dlq.of(n.uuid);
      assert.equal(found.length, 1);
      return found[0]!;
    }, 15_000);
    assert.equal(header(m.headers, HEADERS.dlqReason), 'permanent_failure', 'refused at once, not retried');
    assert.match(header(m.headers, HEADERS.dlqError) ?? '', /SSRF_REFUSED.*loopback/);
    await eventually(async () => assert.equal((await b.attempts.list(n.uuid))[0]?.error_class, 'ssrf'));
  }
  assert.equal(rx4.connections() + rx6.connections(), 0, 'no connection was made');
});

test('SSRF: private and metadata addresses are refused by the guard decision (no traffic is sent)', async () => {
  const guard = new AddressGuard();
  assert.throws(() => guard.decide('10.0.0.1', ['10.0.0.1']), (e: unknown) => e instanceof SsrfRefusedError && e.details?.['kind'] === 'private');
  assert.throws(() => guard.decide('169.254.169.254', ['169.254.169.254']), (e: unknown) => e instanceof SsrfRefusedError && e.details?.['kind'] === 'metadata');
  assert.throws(() => guard.decide('::1', ['::1']), SsrfRefusedError);
  assert.throws(() => guard.decide('127.0.0.1', ['127.0.0.1']), SsrfRefusedError);
  // Names are judged by what they resolve to (a stand-in resolver: no DNS, no packets).
  const rebinding = new AddressGuard({ resolve: async (h) => [{ address: h === 'metadata.test' ? '169.254.169.254' : '10.0.0.1', family: 4 }] });
  await assert.rejects(rebinding.check('metadata.test'), SsrfRefusedError);
  await assert.rejects(rebinding.check('intranet.test'), SsrfRefusedError);
});

test('redirects are followed (307 keeps POST and body); a hop to a refused address is a permanent failure naming the hop', async () => {
  // Instance b allows 127.0.0.2 only: the hop to 127.0.0.1 is refused by the guard.
  const target = await startReceiver(() => ({ status: 204 }), { host: '127.0.0.2' });
  const refused = await startReceiver();
  const rx = await startReceiver((r) => ({ status: 307, headers: { location: r.url === '/refused' ? `${refused.url}/x` : `${target.url}/moved` } }), { host: '127.0.0.2' });
  for (const r of [target, refused, rx]) fx.onTeardown(r.close);
  const followed = await fx.notify(b, { url: `${rx.url}/ok` });
  const blocked = await fx.notify(b, { url: `${rx.url}/refused` });
  uuids.add(followed.uuid).add(blocked.uuid);
  const job = fx.job(followed);
  await fx.publish([job, fx.job(blocked)]);
  const [moved] = await target.waitFor(1);
  assert.equal(moved?.method, 'POST');
  assert.equal(moved?.url, '/moved');
  assert.deepEqual(JSON.parse(moved?.body ?? ''), toQuayPayload(job.event));
  assert.equal(moved?.headers['webhook-id'], job.delivery_id);
  await eventually(async () => assert.equal((await b.attempts.list(followed.uuid))[0]?.outcome, 'success'));

  const m = await eventually(() => {
    const found = dlq.of(blocked.uuid);
    assert.equal(found.length, 1);
    return found[0]!;
  }, 15_000);
  assert.equal(header(m.headers, HEADERS.dlqReason), 'permanent_failure', 'refused at once, not retried');
  assert.match(header(m.headers, HEADERS.dlqError) ?? '', /SSRF_REFUSED.*redirect 1 to 127\.0\.0\.1:\d+: refused.*loopback/);
  const [entry] = await eventually(async () => {
    const l = await b.attempts.list(blocked.uuid);
    assert.equal(l.length, 1);
    return l;
  });
  assert.equal(entry?.error_class, 'ssrf');
  assert.equal(entry?.outcome, 'dead_letter');
  assert.equal(refused.connections(), 0, 'no connection to the refused hop');
});

test('the delivery service exposes its work on /metrics: attempts by outcome, durations, in flight', async () => {
  const text = await (await fetch(`http://127.0.0.1:${a.app.opsPort()}/metrics`)).text();
  const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const success = value('herald_delivery_attempts_total{method="webhook",outcome="success",error_class="",service="delivery-webhook"}');
  assert.ok(success >= 1, `successful attempts counted: ${success}`);
  assert.ok(value('herald_delivery_attempt_duration_seconds_count{service="delivery-webhook",method="webhook"}') >= success);
  assert.ok(value('herald_delivery_end_to_end_seconds_count{service="delivery-webhook",method="webhook"}') >= 1);
  assert.equal(value('herald_delivery_in_flight{service="delivery-webhook"}'), 0, 'nothing in flight between tests');
  assert.match(text, /^process_resident_memory_bytes\{service="delivery-webhook"\} \d+/m);
});
