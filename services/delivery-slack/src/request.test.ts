import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleData } from '@herald/events';
import { slackPayload } from './request.js';

test('Slack payload has Quay’s shape: summary text, one mrkdwn attachment coloured by level', () => {
  const p = slackPayload(sampleData('build_failure'), { username: 'Herald' });
  assert.deepEqual(Object.keys(p), ['text', 'username', 'attachments']);
  assert.equal(p.text, 'Build failure for repository acme/webapp [8c2f6a1]');
  assert.equal(p.username, 'Herald');
  assert.equal(p.attachments.length, 1);
  const [a] = p.attachments;
  assert.equal(a.fallback, p.text);
  assert.equal(a.color, 'danger');
  assert.deepEqual(a.mrkdwn_in, ['text']);
  assert.match(a.text, /^\*<https:\/\/registry\.example\.com\/repository\/acme\/webapp\/build\/8c2f6a1e-[^|]+\|Build 8c2f6a1>\* failed/);
  assert.equal(slackPayload(sampleData('repo_push'), { username: 'x' }).attachments[0].color, 'good');
  assert.equal(slackPayload(sampleData('build_queued'), { username: 'x' }).attachments[0].color, '#ffffff');
});

test('event text cannot inject Slack links or mentions, in text, fallback or attachment', () => {
  const e = sampleData('repo_mirror_sync_failed');
  e.body.message = '<!channel> <http://evil|click> *bold* & <script>';
  const p = slackPayload(e, { username: 'Herald' });
  const json = JSON.stringify(p);
  assert.ok(!json.includes('<!channel>') && !json.includes('<http://evil') && !json.includes('<script>'), json);
  assert.equal(p.attachments[0].fallback, 'Repository Mirror failed for &lt;!channel&gt; &lt;http://evil|click&gt; *bold* &amp; &lt;script&gt;');
  assert.ok(p.text.includes('&lt;!channel&gt;') && p.text.includes('\u200b*\u200bbold\u200b*\u200b'), p.text);
  assert.ok(p.attachments[0].text.includes('&lt;http://evil|click&gt;'), p.attachments[0].text);
});

test('Slack: bidi and invisible format characters in event text are neutralized', () => {
  const e = sampleData('repo_mirror_sync_failed');
  e.body.message = 'ok\u202Etxt.exe\u2067\u200D';
  const p = slackPayload({ ...e, repository: 'acme/a\u2066b' }, { username: 'Herald' });
  const out = [p.text, p.attachments[0].fallback, p.attachments[0].text];
  // Herald's own mrkdwn fences are zero-width spaces beside a formatting character; nothing else may remain.
  const withoutFences = (s: string) => s.replace(/\u200b(?=[*_~`])|(?<=[*_~`])\u200b/g, '');
  for (const s of out) assert.ok(!/[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/.test(withoutFences(s)), JSON.stringify(s));
  assert.ok(p.attachments[0].text.includes('oktxt.exe') && p.attachments[0].text.includes('|acme/ab>'), p.attachments[0].text);
  assert.equal(p.text, 'Repository Mirror failed for oktxt.exe');
});
