// SPEC §3 Slack: the exact request per event kind, event text escaped for mrkdwn, secrets never
// logged, and 410 from Slack (an archived channel) disables. Real Kafka, registry and FerretDB; a
// real HTTP server on loopback stands in for Slack's incoming webhooks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig } from '@herald/delivery-slack';
import type { EventKind } from '@herald/events';
import { HEADERS } from '@herald/kafka';
import type { NotificationDoc } from '@herald/subscriptions';
import { eventually } from '../helpers/wait.js';
import { MethodTestbed } from '../support/method-testbed.js';
import { startReceiver, type Receiver } from './webhook-fixture.js';
import { header } from '../support/job-reader.js';

const bed = new MethodTestbed('slack');
const { logLines } = bed;
let rx: Receiver;

before(async () => {
  rx = await startReceiver();
  await bed.setup({ SLACK_ALLOW_LIST: '127.0.0.1' }, (env, logger) => createApp(loadConfig(env), logger));
});

after(async () => {
  await bed.teardown();
  await rx?.close();
});

/** A Slack notification whose URL is a secret path on the local receiver. */
const slackNotification = (event: EventKind, secretPath = `/services/T0/B0/${randomBytes(12).toString('hex')}`): Promise<NotificationDoc> =>
  bed.notification(event, { url: `${rx.url}${secretPath}` }, 'slack');

const publish = (n: NotificationDoc, body: Record<string, unknown> = {}) => bed.publish(n, body);

async function requestTo(path: string) {
  return eventually(() => {
    const r = rx.requests.find((q) => q.url === path);
    assert.ok(r, `no request to ${path} yet`);
    return r;
  }, 20_000);
}

test('repo_push, build_failure and vulnerability_found arrive exactly as SPEC §3 describes', async () => {
  const cases: Array<{ event: EventKind; summary: (repo: string) => string; color: string; text: RegExp }> = [
    { event: 'repo_push', summary: (r) => `Repository ${r} updated`, color: 'good', text: /^\*jdoe\* pushed tags \*latest\*, \*v1\.4\.2\* to repository \*<https:\/\/registry\.example\.com\/repository\/slack-\w+\/app\|slack-\w+\/app>\*\.$/ },
    {
      event: 'build_failure',
      summary: (r) => `Build failure for repository ${r} [8c2f6a1]`,
      color: 'danger',
      text: /^\*<https:\/\/registry\.example\.com\/repository\/slack-\w+\/app\/build\/8c2f6a1e-[\w-]+\|Build 8c2f6a1>\* failed for commit <https:\/\/github\.com\/acme\/webapp\/commit\/42d4a62\w+\|42d4a62> on branch \*main\* by <https:\/\/github\.com\/jdoe\|jdoe> in repository .*\n_Bump base image to alpine 3\.20_\nTags: \*latest\*, \*main\*\n\*Error:\* Could not pull base image: manifest unknown$/,
    },
    {
      event: 'vulnerability_found',
      summary: (r) => `Critical vulnerability detected in repository ${r} in 2 tags`,
      color: 'danger',
      text: /^A \*Critical\* vulnerability, \*<https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2024-6387\|CVE-2024-6387>\*, was detected in tags \*latest\*, \*v1\.4\.2\* of repository .*\nA signal handler race condition .*\nA fix is available\.$/,
    },
  ];
  for (const c of cases) {
    const path = `/services/T0/B0/${c.event}-${randomBytes(6).toString('hex')}`;
    const n = await slackNotification(c.event, path);
    await publish(n);
    const r = await requestTo(path);
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(r.body) as { text: string; username: string; attachments: Array<Record<string, unknown>> };
    const summary = c.summary(n.repository);
    assert.deepEqual(Object.keys(body), ['text', 'username', 'attachments'], c.event);
    assert.equal(body.text, summary);
    assert.equal(body.username, 'Herald');
    assert.equal(body.attachments.length, 1);
    const [a] = body.attachments;
    assert.deepEqual(Object.keys(a ?? {}), ['fallback', 'text', 'color', 'mrkdwn_in']);
    assert.equal(a?.['fallback'], summary);
    assert.equal(a?.['color'], c.color);
    assert.deepEqual(a?.['mrkdwn_in'], ['text']);
    assert.match(String(a?.['text']), c.text, c.event);
  }
});

test('HTML and mrkdwn control characters in event text arrive escaped', async () => {
  const path = `/services/T0/B0/inject-${randomBytes(6).toString('hex')}`;
  const n = await slackNotification('build_failure', path);
  await publish(n, {
    docker_tags: ['<script>alert(1)</script>'],
    error_message: '<!channel> <http://evil|click> *bold* & done',
    trigger_metadata: { ref: 'refs/heads/main', commit: '42d4a62c53350993ea41069e9f2cfdefb0df097d', commit_info: { message: '<@U024BE7LH> _hi_ <!here>' } },
  });
  const r = await requestTo(path);
  for (const raw of ['<script>', '<!channel>', '<http://evil', '<@U024', '<!here>']) assert.ok(!r.body.includes(raw), `${raw} arrived raw: ${r.body}`);
  const text = String((JSON.parse(r.body) as { attachments: Array<{ text: string }> }).attachments[0]?.text);
  assert.ok(text.includes('*&lt;script&gt;alert(1)&lt;/script&gt;*'), text);
  assert.ok(text.includes('&lt;!channel&gt; &lt;http://evil|click&gt; \u200b*\u200bbold\u200b*\u200b &amp; done'), text);
  assert.ok(text.includes('_&lt;@U024BE7LH&gt; \u200b_\u200bhi\u200b_\u200b &lt;!here&gt;_'), text);
});

test('410 Gone (an archived channel) dead-letters at once and disables the notification', async () => {
  const path = `/services/T0/B0/gone-${randomBytes(6).toString('hex')}`;
  rx.respond((q) => ({ status: q.url === path ? 410 : 200 }));
  const n = await slackNotification('repo_push', path);
  await publish(n);
  const dead = await eventually(() => {
    const m = bed.dlq.of(n.uuid);
    assert.equal(m.length, 1);
    return m[0];
  }, 20_000);
  assert.equal(header(dead?.headers ?? {}, HEADERS.dlqReason), 'permanent_failure');
  await eventually(async () => assert.equal((await bed.store.get(n.uuid))?.disabled, true), 20_000);
  rx.respond(() => ({ status: 200 }));
});

test('Slack URLs never appear in the logs', async () => {
  const all = logLines.join('');
  assert.ok(all.includes('delivery-slack started'), 'the service logged');
  for (const n of await bed.store.col.find({}).toArray()) {
    const url = String(n.config['url']);
    assert.ok(!all.includes(new URL(url).pathname), `${url} was logged`);
  }
});
