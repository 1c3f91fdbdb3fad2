import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMrkdwn, escapeSlackText, htmlToMrkdwn } from './mrkdwn.js';

const Z = '\u200b';

test('escapeMrkdwn escapes &, <, > so text cannot open links or mentions', () => {
  assert.equal(escapeMrkdwn('<!channel> & <http://evil|click> <@U123>'), '&lt;!channel&gt; &amp; &lt;http://evil|click&gt; &lt;@U123&gt;');
});

test('escapeSlackText escapes only the control characters', () => {
  assert.equal(escapeSlackText('<!here> a&b *x*'), '&lt;!here&gt; a&amp;b *x*');
});

test('escapeMrkdwn fences formatting characters that could open or close formatting', () => {
  assert.equal(escapeMrkdwn('*bold*'), `${Z}*${Z}bold${Z}*${Z}`);
  assert.equal(escapeMrkdwn('_it_ ~st~ `code`'), `${Z}_${Z}it${Z}_${Z} ${Z}~${Z}st${Z}~${Z} ${Z}\`${Z}code${Z}\`${Z}`);
  // Between letters or digits they cannot format, and tag names stay copyable.
  assert.equal(escapeMrkdwn('my_tag_v1 2*3'), 'my_tag_v1 2*3');
});

test('htmlToMrkdwn converts links, bold and italics, strips other tags, breaks lines', () => {
  const src = '<p>Build <b>abc</b> by <a href="https://e.com/u?a=1&amp;b=2">jdoe</a> <em>now</em><br><code>x</code> <span class="y">z</span> <strong> s </strong>!</p><div>next</div>';
  assert.equal(htmlToMrkdwn(src), 'Build *abc* by <https://e.com/u?a=1&amp;b=2|jdoe> _now_\nx z *s* !\nnext');
});

test('htmlToMrkdwn escapes decoded text and drops unsafe or nested links', () => {
  assert.equal(htmlToMrkdwn('&lt;!channel&gt; &amp;amp; <a href="javascript:alert(1)">x</a>'), '&lt;!channel&gt; &amp;amp; x');
  assert.equal(htmlToMrkdwn('<a href="https://a.test/|x>y">l<a href="https://b.test">m</a></a>'), '<https://a.test/%7Cx%3Ey|lm>');
  assert.equal(htmlToMrkdwn('<script>alert(1)</script><style>b{}</style>ok<!-- c -->'), 'ok');
  assert.equal(htmlToMrkdwn('a < b and <b></b>c'), 'a &lt; b and c');
});

test('htmlToMrkdwn collapses whitespace like a browser', () => {
  assert.equal(htmlToMrkdwn('  a \n\n  b <br>  c  <br><br><br><br> d '), 'a b\nc\n\nd');
});
