import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, htmlPage } from './html.js';
import { confirmationLink, confirmationMail } from '../mail/confirmation-mail.js';

test('HTML escaping', () => {
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.ok(!htmlPage('<t>', '').includes('<t>'));
});

test('confirmation mail: the link carries the code, the repository is escaped in HTML', () => {
  const link = confirmationLink('https://herald.example', 'a+b/c');
  assert.equal(link, 'https://herald.example/authrepoemail?code=a%2Bb%2Fc');
  const m = confirmationMail('x@example.com', 'ns/<app>', link);
  assert.equal(m.to, 'x@example.com');
  assert.ok(m.text.includes(link));
  assert.ok(m.html.includes('ns/&lt;app&gt;') && !m.html.includes('<app>'));
});
