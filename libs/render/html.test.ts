import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, join, link, multiline, safeHttpUrl } from './html.js';

test('escapeHtml escapes markup and quotes, drops control and bidi characters', () => {
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(escapeHtml('a\u0000b\u202Ec\u0007d\ne\tf'), 'abcd\ne\tf');
});

test('html template escapes every interpolated value and never prints "undefined"', () => {
  const evil = '<script>alert(1)</script>';
  const out = html`<b>${evil}</b>${undefined}${null}${false}${3}${['<i>', html`<i>ok</i>`]}`;
  assert.equal(out.value, '<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>3&lt;i&gt;<i>ok</i>');
  assert.equal(join(['a&b', html`<br>`, '', 'c'], ', ').value, 'a&amp;b, <br>, c');
});

test('safeHttpUrl allows only absolute http(s) URLs', () => {
  assert.equal(safeHttpUrl('https://example.com/a b?x=<y>'), 'https://example.com/a%20b?x=%3Cy%3E');
  assert.equal(safeHttpUrl('http://example.com'), 'http://example.com/');
  for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<b>', 'ftp://x', '/relative', '', undefined, 'not a url']) {
    assert.equal(safeHttpUrl(bad), undefined, String(bad));
  }
});

test('link only links safe URLs and escapes the href and text', () => {
  assert.equal(link('https://e.com/?a=1&b="2"', '<x>').value, '<a href="https://e.com/?a=1&amp;b=%222%22">&lt;x&gt;</a>');
  assert.equal(link('javascript:alert(1)', 'click').value, 'click');
  assert.equal(link(undefined, 'plain').value, 'plain');
});

test('multiline keeps non-empty lines as <br>-separated escaped text', () => {
  assert.equal(multiline('one\r\n\n <two>\r').value, 'one<br>&lt;two&gt;');
});
