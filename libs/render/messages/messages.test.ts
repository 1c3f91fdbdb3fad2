import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleData } from '@herald/events';
import { renderEvent } from '../render-event.js';

test('build messages carry build id, commit link, ref, author, tags and error', () => {
  const r = renderEvent(sampleData('build_failure'));
  const build = 'https://registry.example.com/repository/acme/webapp/build/8c2f6a1e-4b7d-4e3a-9f10-5d2c7b9e0a41';
  const commit = 'https://github.com/acme/webapp/commit/42d4a62c53350993ea41069e9f2cfdefb0df097d';
  assert.equal(
    r.html,
    `<b><a href="${build}">Build 8c2f6a1</a></b> failed for commit <a href="${commit}"><code>42d4a62</code></a> on branch <b>main</b>` +
      ` by <a href="https://github.com/jdoe">jdoe</a> in repository <b><a href="https://registry.example.com/repository/acme/webapp">acme/webapp</a></b>.` +
      '<br><i>Bump base image to alpine 3.20</i><br>Tags: <b>latest</b>, <b>main</b><br><b>Error:</b> Could not pull base image: manifest unknown',
  );
  assert.equal(
    r.mrkdwn,
    `*<${build}|Build 8c2f6a1>* failed for commit <${commit}|42d4a62> on branch *main* by <https://github.com/jdoe|jdoe>` +
      ' in repository *<https://registry.example.com/repository/acme/webapp|acme/webapp>*.\n_Bump base image to alpine 3.20_\nTags: *latest*, *main*\n*Error:* Could not pull base image: manifest unknown',
  );
  assert.match(r.text, /^Build 8c2f6a1 \(https:.*\) failed for commit 42d4a62 \(https:\/\/github.com\/.*\) on branch main by jdoe/);
  assert.match(r.text, /\nError: Could not pull base image: manifest unknown$/);
});

test('build messages without trigger data say where the build came from', () => {
  const e = sampleData('build_queued');
  delete e.body.trigger_metadata;
  delete e.body.trigger_kind;
  e.body.is_manual = true;
  e.body.manual_user = 'alice';
  assert.match(renderEvent(e).text, /^Build 8c2f6a1 \(.*\) queued for an uploaded Dockerfile, started manually by alice in repository acme\/webapp/);
  const t = sampleData('build_start');
  t.body.trigger_metadata = { ref: 'refs/tags/v2.0' };
  assert.match(renderEvent(t).text, / started for tag v2.0 in repository/);
  t.body.trigger_metadata = { commit: 'abcdef0123', ref: 'refs/heads/feature/x' };
  assert.match(renderEvent(t).text, / started for commit abcdef0 on branch feature\/x in repository/);
});

test('push message lists the tags and who pushed', () => {
  const e = sampleData('repo_push');
  assert.equal(renderEvent(e).text, 'jdoe pushed tags latest, v1.4.2 to repository acme/webapp (https://registry.example.com/repository/acme/webapp).');
  delete e.performer;
  e.body.updated_tags = Array.from({ length: 25 }, (_, i) => `t${i}`);
  assert.match(renderEvent(e).text, /^Push of tags t0, t1, .*, t19 and 5 more to repository acme\/webapp/);
  e.body.updated_tags = [];
  assert.match(renderEvent(e).text, /^Push to repository acme\/webapp/);
});

test('vulnerability message shows id, priority, link, the first three tags and how many more', () => {
  const e = sampleData('vulnerability_found');
  e.body.tags = ['latest', 'prod', 'foo', 'bar', 'baz'];
  e.body.vulnerability.has_fix = false;
  const r = renderEvent(e);
  assert.ok(r.html.startsWith('A <b>Critical</b> vulnerability, <b><a href="https://nvd.nist.gov/vuln/detail/CVE-2024-6387">CVE-2024-6387</a></b>'), r.html);
  assert.match(r.text, /was detected in tags latest, prod, foo and 2 more of repository acme\/webapp/);
  assert.match(r.text, /No fix is available yet\.$/);
});

test('mirror and expiry messages carry the message, tags and when', () => {
  assert.match(renderEvent(sampleData('repo_mirror_sync_failed')).text, /^Mirror sync of repository acme\/webapp \(.*\) failed:\n'quay.io\/upstream\/webapp' with tag pattern 'v1.\*,latest'$/);
  assert.match(renderEvent(sampleData('repo_image_expiry')).text, /are due to expire in 7 days:\nv1.0.0, v1.0.1$/);
  const one = sampleData('repo_image_expiry');
  one.body.tags = ['v1'];
  one.body.expiring_in = '';
  assert.match(renderEvent(one).text, /^The following tag of repository acme\/webapp \(.*\) is due to expire soon:\nv1$/);
});

test('quota messages name the namespace (linked to its page), the threshold and the usage', () => {
  const w = renderEvent(sampleData('quota_warning'));
  assert.equal(
    w.html,
    'Namespace <b><a href="https://registry.example.com/organization/acme">acme</a></b> storage usage has reached <b>80%</b> of its quota limit.' +
      '<br>Current usage: 80% (819.20 MB of 1.00 GB).',
  );
  assert.equal(w.text, 'Namespace acme (https://registry.example.com/organization/acme) storage usage has reached 80% of its quota limit.\nCurrent usage: 80% (819.20 MB of 1.00 GB).');
  const e = renderEvent(sampleData('quota_error'));
  assert.match(e.mrkdwn, /^Namespace \*<https:\/\/registry.example.com\/organization\/acme\|acme>\* storage usage has \*exceeded\* its quota limit \(105%\)\./);
  assert.match(e.text, /\nCurrent usage: 1.05 GB of 1.00 GB. Image pushes may be rejected until storage usage is reduced.$/);
});
