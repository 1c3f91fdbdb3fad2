import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaInternals } from './herald-schema.js';
import { sampleEvent } from './samples.js';
import { SCHEMAS } from './schemas.js';
import { encodeFramed, frame, unframe } from './wire-format.js';

const { type, toAvro } = schemaInternals(SCHEMAS.repositoryEvent);

test('encodeFramed is byte for byte frame(id, toBuffer(value)), and each result keeps its own bytes', () => {
  const push = toAvro(sampleEvent('repo_push', { repository: 'ns/app' }));
  const build = toAvro(sampleEvent('build_failure'));
  const a = encodeFramed(type, 7, push);
  const b = encodeFramed(type, 300_000, build);
  assert.deepEqual(a, frame(7, type.toBuffer(push)));
  assert.deepEqual(b, frame(300_000, type.toBuffer(build)));
  // The scratch buffer is reused: an earlier result must not change with the next encoding.
  assert.deepEqual(a, frame(7, type.toBuffer(push)));
  assert.equal(unframe(b).schemaId, 300_000);
});

test('a value larger than the scratch buffer is encoded whole (the buffer grows), and later small ones too', () => {
  const tags = Array.from({ length: 3_000 }, (_, i) => `release-${i}-${'x'.repeat(20)}`);
  const big = toAvro(sampleEvent('repo_push', { body: { updated_tags: tags } }));
  const out = encodeFramed(type, 1, big);
  assert.ok(out.length > 64 * 1024, `${out.length} bytes`);
  assert.deepEqual(out, frame(1, type.toBuffer(big)));
  const small = toAvro(sampleEvent('repo_push'));
  assert.deepEqual(encodeFramed(type, 1, small), frame(1, type.toBuffer(small)));
});

test('a value that does not fit the schema throws, as toBuffer does', () => {
  assert.throws(() => encodeFramed(type, 1, { not: 'an event' }));
});
