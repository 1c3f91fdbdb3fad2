import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_KINDS, sampleData, type EventKind, type RepositoryEvent } from '@herald/events';
import { tokenizeHtml } from './html-tokens.js';
import { renderEvent } from './render-event.js';

// `sampleData` of a non-literal kind is not narrowed to the union member; the event is one all the same.
const sample = (kind: EventKind) => sampleData(kind) as RepositoryEvent;

const PAYLOAD = '<script>alert(1)</script> <!channel> <http://evil|click> *bold* & _it_';
const ALLOWED_TAGS = new Set(['a', 'b', 'i', 'code', 'br']);

/** Every string leaf of the event's body (and its name and performer) replaced by `value(path)`. */
function poison(event: RepositoryEvent, value: (path: string) => string): RepositoryEvent {
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') return value(path);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${path}.${k}`)]));
    return v;
  };
  const body = walk(event.body, 'body') as Record<string, unknown>;
  if (event.kind === 'vulnerability_found') (body['vulnerability'] as Record<string, unknown>)['priority'] = 'High';
  return {
    ...event,
    repository: `acme/${PAYLOAD}`,
    name: PAYLOAD,
    performer: { kind: 'user', name: PAYLOAD },
    body,
  } as unknown as RepositoryEvent;
}

function assertOnlyOurMarkup(html: string, kind: string) {
  for (const t of tokenizeHtml(html)) {
    if (t.type === 'text') continue;
    assert.ok(ALLOWED_TAGS.has(t.name), `${kind}: unexpected <${t.name}> in ${html}`);
    if (t.type === 'open' && t.name === 'a') assert.match(t.attrs['href'] ?? '', /^https?:\/\//, `${kind}: href`);
    if (t.type === 'open') assert.deepEqual(Object.keys(t.attrs).filter((a) => a !== 'href'), [], `${kind}: attributes`);
  }
}

function assertSafeHtml(html: string, kind: string) {
  assertOnlyOurMarkup(html, kind);
  assert.ok(!html.includes('<script'), kind);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), `${kind}: payload shown escaped in ${html}`);
  assert.ok(html.includes('&lt;!channel&gt;') && html.includes('&lt;http://evil|click&gt;'), kind);
}

function assertSafeMrkdwn(mrkdwn: string, kind: string) {
  // Every `<…>` in the output is one of our links; event text only ever arrives as entities.
  for (const m of mrkdwn.matchAll(/<([^>]*)>/g)) assert.match(m[1] ?? '', /^https?:\/\/[^|<>\s]+\|/, `${kind}: ${m[0]}`);
  assert.ok(!mrkdwn.includes('<!') && !mrkdwn.includes('<http://evil'), kind);
  assert.ok(mrkdwn.includes('&lt;!channel&gt;') && mrkdwn.includes('&lt;http://evil|click&gt;'), `${kind}: ${mrkdwn}`);
  assert.ok(mrkdwn.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), kind);
  assert.ok(!mrkdwn.includes(' *bold* ') && mrkdwn.includes('\u200b*\u200bbold\u200b*\u200b'), kind);
  assert.ok(!/&(?!amp;|lt;|gt;)/.test(mrkdwn), `${kind}: bare & in ${mrkdwn}`);
}

test('every sample renders completely, without undefined or null', () => {
  for (const kind of EVENT_KINDS) {
    const r = renderEvent(sample(kind));
    for (const [form, s] of Object.entries(r)) {
      assert.ok(s.length > 0, `${kind}.${form} empty`);
      assert.ok(!/undefined|null|NaN|\[object/.test(s), `${kind}.${form}: ${s}`);
    }
    assertOnlyOurMarkup(r.html, kind);
  }
});

test('event text arrives escaped in HTML, inert in text and escaped in mrkdwn, for every kind', () => {
  for (const kind of EVENT_KINDS) {
    const r = renderEvent(poison(sample(kind), () => PAYLOAD));
    assertSafeHtml(r.html, kind);
    assertSafeMrkdwn(r.mrkdwn, kind);
    assert.ok(r.text.includes(PAYLOAD), `${kind}: text keeps the literal payload: ${r.text}`);
    assert.ok(!r.summary.includes('\n'), kind);
  }
});

test('URL fields that are not http(s) are never linked', () => {
  for (const kind of EVENT_KINDS) {
    const event = poison(sample(kind), (path) => (/url|link|homepage/.test(path) ? 'javascript:alert(1)' : 'x'));
    const r = renderEvent({ ...event, homepage: 'javascript:alert(1)' } as RepositoryEvent);
    assert.ok(!r.html.includes('javascript:'), `${kind}: ${r.html}`);
    assert.ok(!r.mrkdwn.includes('javascript:'), `${kind}: ${r.mrkdwn}`);
    assert.ok(!r.text.includes('javascript:'), `${kind}: ${r.text}`);
  }
});

// Every invisible format character that must not reach a reader, between visible letters.
const INVISIBLE = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200B', '\u200C', '\u200D', '\u200E', '\u200F'];
const SPOOF = `evil${INVISIBLE.join('x')}txt`;
const SPOOF_SHOWN = `evil${'x'.repeat(INVISIBLE.length - 1)}txt`;

test('bidi and invisible format characters in event text are neutralized in every form, for every kind', () => {
  for (const kind of EVENT_KINDS) {
    const r = renderEvent(poison(sample(kind), () => SPOOF));
    for (const [form, s] of Object.entries(r)) {
      // mrkdwn's own fences are zero-width spaces next to a formatting character; nothing else may remain.
      const own = form === 'mrkdwn' ? s.replace(/\u200b(?=[*_~`])|(?<=[*_~`])\u200b/g, '') : s;
      for (const c of INVISIBLE) assert.ok(!own.includes(c), `${kind}.${form} keeps U+${c.codePointAt(0)?.toString(16)}: ${JSON.stringify(own)}`);
    }
    assert.ok(r.html.includes(SPOOF_SHOWN) && r.text.includes(SPOOF_SHOWN) && r.mrkdwn.includes(SPOOF_SHOWN), `${kind}: the visible text stays`);
  }
  const push = renderEvent({ ...sample('repo_push'), repository: `acme/${SPOOF}` } as RepositoryEvent);
  assert.equal(push.summary, `Repository acme/${SPOOF_SHOWN} updated`);
});
