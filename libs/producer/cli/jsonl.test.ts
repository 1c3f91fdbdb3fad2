import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleData } from '@herald/events';
import { parseEventLines } from './jsonl.js';

const opts = { source: 'events.jsonl', registryHost: 'localhost:5000' };
const line = (o: unknown) => JSON.stringify(o);

test('lines become validated events; omitted envelope fields are derived', () => {
  const text = [
    line(sampleData('repo_push')),
    '',
    line({ kind: 'build_start', repository: 'ns/app', body: { build_id: 'b1', build_name: 'n', docker_tags: ['latest'] } }),
  ].join('\n');
  const [push, build] = parseEventLines(text, opts);
  assert.deepStrictEqual(push, sampleData('repo_push'));
  assert.equal(build?.homepage, 'http://localhost:5000/repository/ns/app/build/b1');
  assert.match(build?.event_id ?? '', /^[0-9a-f-]{36}$/);
});

test('every bad line is named with its number and field, and nothing is returned', () => {
  const text = [
    line(sampleData('repo_push')),
    line({ ...sampleData('build_start'), body: { build_name: 'n', docker_tags: [] } }),
    '{not json',
    line({ ...sampleData('repo_push'), kind: 'foo' }),
  ].join('\n');
  assert.throws(
    () => parseEventLines(text, opts),
    (err: unknown) => {
      const message = (err as Error).message;
      assert.match(message, /nothing published, 3 bad line/);
      assert.match(message, /events\.jsonl:2: body\.build_id: required/);
      assert.match(message, /events\.jsonl:3: invalid JSON/);
      assert.match(message, /events\.jsonl:4: kind: unknown event kind "foo"/);
      return true;
    },
  );
});

test('an empty file is an error', () => {
  assert.throws(() => parseEventLines('\n\n', opts), /no events/);
});
