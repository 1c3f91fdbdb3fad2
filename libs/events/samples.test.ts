import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { EVENT_KINDS } from './constants.js';
import { schemaInternals, type HeraldSchema } from './herald-schema.js';
import { REPOSITORY_EVENT_SCHEMA, validateEvent } from './repository-event.js';
import { sampleData, sampleEvent } from './samples.js';

const avro = schemaInternals(REPOSITORY_EVENT_SCHEMA as HeraldSchema<unknown>);

test('there is exactly one sample per kind', () => {
  const files = readdirSync(new URL('../../schemas/samples/', import.meta.url)).filter((f) => f.endsWith('.json'));
  assert.deepEqual(files.map((f) => f.replace(/\.json$/, '')).sort(), [...EVENT_KINDS].sort());
});

for (const kind of EVENT_KINDS) {
  test(`sample ${kind} is valid and round-trips through Avro unchanged`, () => {
    const sample = sampleData(kind);
    assert.equal(sample.kind, kind);
    assert.deepStrictEqual(validateEvent(sample), sample);
    const bytes = avro.type.toBuffer(avro.toAvro(sample));
    assert.deepStrictEqual(avro.fromAvro(avro.type.fromBuffer(bytes)), sample);
  });
}

test('sampleEvent gives a new id and time each call', () => {
  const a = sampleEvent('repo_push');
  const b = sampleEvent('repo_push');
  assert.notEqual(a.event_id, b.event_id);
  assert.ok(Math.abs(a.occurred_at - Date.now()) < 5_000);
});

test('sampleEvent re-derives the envelope for another repository and host', () => {
  const e = sampleEvent('build_success', { repository: 'team/api', registryHost: 'localhost:5000' });
  assert.equal(e.namespace, 'team');
  assert.equal(e.name, 'api');
  assert.equal(e.docker_url, 'localhost:5000/team/api');
  assert.equal(e.homepage, `http://localhost:5000/repository/team/api/build/${e.body.build_id}`);
  const q = sampleEvent('repo_push', { repository: 'team/api' });
  assert.equal(q.homepage, 'https://registry.example.com/repository/team/api');
});

test('sampleEvent merges body overrides and can drop the performer', () => {
  const e = sampleEvent('repo_image_expiry', {
    body: { notification_uuid: '0f0e0d0c-0b0a-4908-8706-050403020100' },
    performer: null,
  });
  assert.equal(e.body.notification_uuid, '0f0e0d0c-0b0a-4908-8706-050403020100');
  assert.deepEqual(e.body.tags, ['v1.0.0', 'v1.0.1']);
  assert.equal('performer' in e, false);
  const v = sampleEvent('vulnerability_found', { body: { vulnerability: { ...sampleData('vulnerability_found').body.vulnerability, priority: 'Low' } } });
  assert.equal(v.body.vulnerability.priority, 'Low');
});

test('sampleEvent refuses overrides that make the event invalid', () => {
  assert.throws(() => sampleEvent('repo_push', { repository: 'noslash' }), /repository: must be "namespace\/name"/);
});
