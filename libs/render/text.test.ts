import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlToText } from './text.js';

test('htmlToText drops tags, decodes entities and keeps link targets', () => {
  const src = 'Build <b>abc</b> by <a href="https://e.com/u">jdoe</a> &lt;script&gt;<br>see <a href="https://e.com/">https://e.com/</a> <a href="javascript:x">bad</a>';
  assert.equal(htmlToText(src), 'Build abc by jdoe (https://e.com/u) <script>\nsee https://e.com/ bad');
});

test('htmlToText renders lists and drops script content', () => {
  assert.equal(htmlToText('<ul><li>a</li><li>b</li></ul><script>x()</script>&nbsp;end'), '- a\n- b\nend');
});
