import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleData } from '@herald/events';
import { flowdockPayload, flowdockUrl } from './request.js';

test('Flowdock URL puts the token in one encoded path segment', () => {
  assert.equal(flowdockUrl('https://api.flowdock.com/', 'abc123'), 'https://api.flowdock.com/v1/messages/team_inbox/abc123');
  assert.equal(flowdockUrl('http://127.0.0.1:9/prefix', 'a/../b?c'), 'http://127.0.0.1:9/prefix/v1/messages/team_inbox/a%2F..%2Fb%3Fc');
});

test('Flowdock payload has Quay’s shape', () => {
  const e = sampleData('vulnerability_found');
  const p = flowdockPayload(e, { source: 'Herald', fromAddress: 'herald@example.com' });
  assert.deepEqual(p, {
    source: 'Herald',
    from_address: 'herald@example.com',
    subject: 'Critical vulnerability detected in repository acme/webapp in 2 tags',
    content: p.content,
    from_name: 'acme',
    project: 'acme webapp',
    tags: ['#vulnerability_found'],
    link: 'https://registry.example.com/repository/acme/webapp',
  });
  assert.ok(p.content.startsWith('A <b>Critical</b> vulnerability, <b><a href="https://nvd.nist.gov/vuln/detail/CVE-2024-6387">'), p.content);
});

test('Flowdock content escapes event text', () => {
  const e = sampleData('repo_push');
  e.body.updated_tags = ['<script>alert(1)</script>'];
  assert.ok(flowdockPayload(e, { source: 's', fromAddress: 'f@x.y' }).content.includes('<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>'));
});

test('Flowdock: bidi and invisible format characters are neutralized in every field shown', () => {
  const e = sampleData('repo_push');
  e.body.updated_tags = ['v1\u202Egnp.exe'];
  const p = flowdockPayload({ ...e, namespace: 'ac\u2066me', name: 'web\u200Fapp', repository: 'ac\u2066me/web\u200Fapp' }, { source: 'Herald', fromAddress: 'h@example.com' });
  for (const s of [p.subject, p.content, p.from_name, p.project]) assert.ok(!/[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/.test(s), JSON.stringify(s));
  assert.equal(p.from_name, 'acme');
  assert.equal(p.project, 'acme webapp');
  assert.ok(p.content.includes('v1gnp.exe'), p.content);
});
