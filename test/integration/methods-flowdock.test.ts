// SPEC §3 Flowdock: the exact Team Inbox request per event kind, event text escaped, the flow token
// kept in its path segment and out of the logs. Real Kafka, registry and FerretDB; a real HTTP server
// on loopback stands in for the Flowdock API (FLOWDOCK_API_URL points at it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig } from '@herald/delivery-flowdock';
import type { EventKind } from '@herald/events';
import type { NotificationDoc } from '@herald/subscriptions';
import { eventually } from '../helpers/wait.js';
import { MethodTestbed } from '../support/method-testbed.js';
import { startReceiver, type Receiver } from './webhook-fixture.js';

const bed = new MethodTestbed('flowdock');
const { logLines } = bed;
let rx: Receiver;

before(async () => {
  rx = await startReceiver();
  await bed.setup({
    FLOWDOCK_ALLOW_LIST: '127.0.0.1',
    FLOWDOCK_API_URL: `${rx.url}/flowdock-api`,
    FLOWDOCK_FROM_ADDRESS: 'herald@example.com',
  }, (env, logger) => createApp(loadConfig(env), logger));
});

after(async () => {
  await bed.teardown();
  await rx?.close();
});

/** A Flowdock notification; its flow token is a secret. */
const flowdockNotification = (event: EventKind, token = `tok${randomBytes(12).toString('hex')}`): Promise<NotificationDoc> =>
  bed.notification(event, { flow_api_token: token }, 'flow');

const publish = (n: NotificationDoc, body: Record<string, unknown> = {}) => bed.publish(n, body);

async function requestTo(path: string) {
  return eventually(() => {
    const r = rx.requests.find((q) => q.url === path);
    assert.ok(r, `no request to ${path} yet`);
    return r;
  }, 20_000);
}

test('repo_push, build_failure and vulnerability_found arrive exactly as SPEC §3 describes', async () => {
  const cases: Array<{ event: EventKind; subject: (repo: string) => string; content: RegExp }> = [
    { event: 'repo_push', subject: (r) => `Repository ${r} updated`, content: /^<b>jdoe<\/b> pushed tags <b>latest<\/b>, <b>v1\.4\.2<\/b> to repository <b><a href="https:\/\/registry\.example\.com\/repository\/flow-\w+\/app">flow-\w+\/app<\/a><\/b>\.$/ },
    {
      event: 'build_failure',
      subject: (r) => `Build failure for repository ${r} [8c2f6a1]`,
      content: /^<b><a href="https:\/\/registry\.example\.com\/repository\/flow-\w+\/app\/build\/8c2f6a1e-[\w-]+">Build 8c2f6a1<\/a><\/b> failed for commit <a href="https:\/\/github\.com\/acme\/webapp\/commit\/42d4a62\w+"><code>42d4a62<\/code><\/a> on branch <b>main<\/b> by <a href="https:\/\/github\.com\/jdoe">jdoe<\/a> in repository .*<br><b>Error:<\/b> Could not pull base image: manifest unknown$/,
    },
    {
      event: 'vulnerability_found',
      subject: (r) => `Critical vulnerability detected in repository ${r} in 2 tags`,
      content: /^A <b>Critical<\/b> vulnerability, <b><a href="https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2024-6387">CVE-2024-6387<\/a><\/b>, was detected in tags <b>latest<\/b>, <b>v1\.4\.2<\/b> of repository .*<br>A fix is available\.$/,
    },
  ];
  for (const c of cases) {
    const token = `tok${c.event.replace(/_/g, '')}${randomBytes(6).toString('hex')}`;
    const n = await flowdockNotification(c.event, token);
    const job = await publish(n);
    const r = await requestTo(`/flowdock-api/v1/messages/team_inbox/${token}`);
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(r.body) as Record<string, unknown>;
    const [ns, name] = n.repository.split('/');
    assert.deepEqual(body, {
      source: 'Herald',
      from_address: 'herald@example.com',
      subject: c.subject(n.repository),
      content: body['content'],
      from_name: ns,
      project: `${ns} ${name}`,
      tags: [`#${c.event}`],
      link: job.event.homepage,
    });
    assert.deepEqual(Object.keys(body), ['source', 'from_address', 'subject', 'content', 'from_name', 'project', 'tags', 'link']);
    assert.match(String(body['content']), c.content, c.event);
  }
});

test('HTML in event text arrives escaped', async () => {
  const token = `tokinject${randomBytes(6).toString('hex')}`;
  const n = await flowdockNotification('build_failure', token);
  await publish(n, {
    docker_tags: ['<script>alert(1)</script>'],
    error_message: '<img src=x onerror=alert(1)> <!channel> *bold* & done',
    trigger_metadata: { ref: 'refs/heads/main', commit: '42d4a62c53350993ea41069e9f2cfdefb0df097d', commit_info: { message: '<a href="javascript:alert(1)">x</a>', url: 'javascript:alert(1)' } },
  });
  const r = await requestTo(`/flowdock-api/v1/messages/team_inbox/${token}`);
  const content = String((JSON.parse(r.body) as { content: string }).content);
  for (const raw of ['<script>', '<img', '<!channel>', 'href="javascript', '<a href="javascript']) assert.ok(!content.includes(raw), `${raw} arrived raw: ${content}`);
  assert.ok(content.includes('<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>'), content);
  assert.ok(content.includes('&lt;img src=x onerror=alert(1)&gt; &lt;!channel&gt; *bold* &amp; done'), content);
  assert.ok(content.includes('<i>&lt;a href=&quot;'), content);
});

test('a token cannot leave its path segment', async () => {
  const token = `a/../../evil?x=${randomBytes(3).toString('hex')}`;
  const n = await flowdockNotification('repo_push', token);
  await publish(n);
  const r = await requestTo(`/flowdock-api/v1/messages/team_inbox/${encodeURIComponent(token)}`);
  assert.equal(r.method, 'POST');
});

test('flow tokens never appear in the logs', async () => {
  const all = logLines.join('');
  assert.ok(all.includes('delivery-flowdock started'), 'the service logged');
  for (const n of await bed.store.col.find({}).toArray()) {
    const token = String(n.config['flow_api_token']);
    assert.ok(!all.includes(token) && !all.includes(encodeURIComponent(token)), `${token} was logged`);
  }
});
