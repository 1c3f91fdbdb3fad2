import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleData } from '@herald/events';
import { emailMessage } from './email-message.js';

test('e-mail: subject is the summary, HTML and text parts carry the message and why it was sent', () => {
  const m = emailMessage(sampleData('build_failure'), { to: 'ops@example.com', title: 'CI <alerts>' });
  assert.equal(m.subject, 'Build failure for repository acme/webapp [8c2f6a1]');
  assert.ok(m.html.includes('<h2 style="font-size: 18px; margin: 8px 0;">Build failure for repository acme/webapp [8c2f6a1]</h2>'));
  assert.ok(m.html.includes('<b>Error:</b> Could not pull base image: manifest unknown'));
  assert.ok(m.html.includes('(notification &quot;CI &lt;alerts&gt;&quot;)'));
  assert.ok(m.text.startsWith('Build failure for repository acme/webapp [8c2f6a1]\n\nBuild 8c2f6a1 ('), m.text);
  assert.ok(m.text.includes('Error: Could not pull base image: manifest unknown'));
  assert.ok(m.text.includes('View in the registry: https://registry.example.com/repository/acme/webapp/build/'));
  assert.ok(m.text.includes('ops@example.com is authorized for notifications of repository acme/webapp'));
});

test('e-mail escapes event text and marks test notifications', () => {
  const e = sampleData('repo_push');
  e.body.updated_tags = ['<script>alert(1)</script>'];
  const m = emailMessage(e, { to: 'a@b.co', test: true });
  assert.ok(!m.html.includes('<script>') && m.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(m.html.includes('<p><i>This is a test notification.</i></p>'));
  assert.ok(m.text.includes('This is a test notification.') && m.text.includes('<script>alert(1)</script>'));
});

test('e-mail: bidi and invisible format characters are neutralized in the subject, HTML and text parts', () => {
  const spoof = 'exe\u202Egpj.\u2066x\u2069\u200B\u200Fy';
  const e = sampleData('repo_push');
  e.body.updated_tags = [spoof];
  const m = emailMessage({ ...e, repository: `acme/${spoof}` }, { to: 'ops@example.com', title: `T${spoof}` });
  for (const part of [m.subject, m.html, m.text]) assert.ok(!/[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/.test(part), JSON.stringify(part));
  assert.ok(m.text.includes('acme/exegpj.xy') && m.text.includes('(notification "Texegpj.xy")'), m.text);
  assert.ok(m.subject.includes('acme/exegpj.xy'), m.subject);
});
