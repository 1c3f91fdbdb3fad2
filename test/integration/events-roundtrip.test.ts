import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  createDeliveryJob,
  createSchema,
  DELIVERY_JOB_SCHEMA,
  EVENT_HEAD,
  EVENT_KINDS,
  eventHead,
  jobFieldsAround,
  REPOSITORY_EVENT_SCHEMA,
  sampleEvent,
  SchemaRegistryCodec,
  SUBJECTS,
  type RepositoryEvent,
} from '@herald/events';
import { createKafka, TOPICS } from '@herald/kafka';
import { readSince } from '../helpers/kafka.js';
import { createEventPublisher, type EventPublisher, type PublishedEvent } from '@herald/producer';

const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const REGISTRY = (process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7').replace(/\/+$/, '');
// Every repository of this run starts with the prefix: the consumer keeps only this run's messages.
const PREFIX = `it-events-${randomBytes(4).toString('hex')}`;
/** This file's messages are written after this: readers start here (see offsetsSince). */
const STARTED = Date.now() - 1_000;

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-events-it' });
let publisher: EventPublisher;

interface Read {
  key: string;
  partition: number;
  offset: string;
  value: Buffer | null;
}

/** This run's messages on `repository-events` (by key prefix), until `done` holds. */
const readOwn = (done: (own: Read[]) => boolean): Promise<Read[]> =>
  readSince(
    kafka,
    TOPICS.repositoryEvents,
    STARTED,
    (message, partition) => {
      const key = message.key?.toString() ?? '';
      return key.startsWith(PREFIX) ? { key, partition, offset: message.offset, value: message.value } : undefined;
    },
    done,
  );

before(async () => {
  publisher = createEventPublisher({ kafka, registryUrl: REGISTRY, ensureTopic: true });
  await publisher.connect();
});

after(async () => {
  await publisher.disconnect();
});

test('every kind published through the producer comes back field for field', async () => {
  const events = EVENT_KINDS.map((kind) => sampleEvent(kind, { repository: `${PREFIX}/${kind}` }));
  const published: PublishedEvent[] = await publisher.publish(events);
  assert.equal(published.length, EVENT_KINDS.length);

  const ids = new Set(events.map((e) => e.event_id));
  // Only Avro messages: another test of this file puts garbage under the same prefix.
  const reads = (await readOwn((own) => own.filter((r) => r.value?.[0] === 0).length >= events.length)).filter(
    (r) => r.value?.[0] === 0,
  );
  const reader = new SchemaRegistryCodec({ url: REGISTRY }); // nothing cached: schemas come from the registry
  const decoded = new Map<string, { event: RepositoryEvent; read: Read }>();
  for (const read of reads) {
    const event = await reader.decode(read.value, REPOSITORY_EVENT_SCHEMA);
    if (ids.has(event.event_id)) decoded.set(event.repository, { event, read });
  }
  for (const p of published) {
    const got = decoded.get(p.event.repository);
    assert.ok(got, `no message for ${p.event.kind}`);
    assert.deepStrictEqual(got.event, p.event, p.event.kind);
    assert.equal(got.read.partition, p.partition, `${p.event.kind}: partition reported by publish`);
    assert.equal(got.read.offset, p.offset, `${p.event.kind}: offset reported by publish`);
  }
});

test('the subject repository-events-value exists with compatibility BACKWARD', async () => {
  const subjects = (await (await fetch(`${REGISTRY}/subjects`)).json()) as string[];
  assert.ok(subjects.includes(SUBJECTS.repositoryEvents), `subjects: ${subjects.join(', ')}`);
  const config = (await (await fetch(`${REGISTRY}/config/${SUBJECTS.repositoryEvents}`)).json()) as { compatibilityLevel?: string };
  assert.equal(config.compatibilityLevel?.toUpperCase(), 'BACKWARD');
});

test('the registry refuses an incompatible version of the event schema', async () => {
  const versions = async () => (await (await fetch(`${REGISTRY}/subjects/${SUBJECTS.repositoryEvents}/versions`)).json()) as number[];
  const before = await versions();
  const definition = structuredClone(REPOSITORY_EVENT_SCHEMA.definition) as { fields: unknown[] };
  definition.fields.push({ name: 'tenant', type: 'string' }); // required, no default: old events cannot be read
  const codec = new SchemaRegistryCodec({ url: REGISTRY, retries: 0 });
  await assert.rejects(codec.register(SUBJECTS.repositoryEvents, createSchema(definition)), { code: 'SCHEMA_INCOMPATIBLE' });
  assert.deepEqual(await versions(), before);
});

/** A foreign producer's herald.RepositoryEvent that Herald cannot read (event_id is a number). */
async function foreignEvent(codec: SchemaRegistryCodec, subject: string): Promise<Buffer> {
  const foreign = createSchema({
    type: 'record',
    name: 'RepositoryEvent',
    namespace: 'herald',
    fields: [{ name: 'event_id', type: 'long' }],
  });
  await codec.register(subject, foreign);
  return codec.encode(subject, { event_id: 42 });
}

test('non-Avro and broken messages on the topic decode to typed DecodeErrors', async (t) => {
  const producer = kafka.producer();
  await producer.connect();
  const codec = new SchemaRegistryCodec({ url: REGISTRY });
  const schemaId = Buffer.alloc(4);
  schemaId.writeInt32BE(await codec.register(SUBJECTS.repositoryEvents, REPOSITORY_EVENT_SCHEMA));
  const foreignSubject = `${PREFIX}-foreign-value`;
  t.after(async () => {
    await fetch(`${REGISTRY}/subjects/${foreignSubject}`, { method: 'DELETE' }).catch(() => undefined);
  });
  const garbage: Record<string, Buffer> = {
    [`${PREFIX}/incompatible`]: await foreignEvent(codec, foreignSubject),
    [`${PREFIX}/json`]: Buffer.from(JSON.stringify({ kind: 'repo_push', repository: 'ns/app' })),
    [`${PREFIX}/unknown-schema`]: Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]), Buffer.from('xyz')]),
    // A real schema id, then a payload cut short.
    [`${PREFIX}/truncated`]: Buffer.concat([Buffer.from([0]), schemaId, Buffer.from([0x02])]),
  };
  try {
    await producer.send({ topic: TOPICS.repositoryEvents, messages: Object.entries(garbage).map(([key, value]) => ({ key, value })) });
  } finally {
    await producer.disconnect();
  }
  const expected: Record<string, string> = {
    [`${PREFIX}/json`]: 'DECODE_NOT_AVRO',
    [`${PREFIX}/unknown-schema`]: 'DECODE_UNKNOWN_SCHEMA',
    [`${PREFIX}/truncated`]: 'DECODE_INVALID',
    [`${PREFIX}/incompatible`]: 'DECODE_INCOMPATIBLE_SCHEMA',
  };
  const own = await readOwn((reads) => Object.keys(expected).every((k) => reads.some((r) => r.key === k)));
  const reader = new SchemaRegistryCodec({ url: REGISTRY });
  for (const [key, code] of Object.entries(expected)) {
    const read = own.find((r) => r.key === key);
    const result = await reader.safeDecode(read?.value, REPOSITORY_EVENT_SCHEMA);
    assert.equal(result.ok, false, key);
    if (!result.ok) assert.equal(result.error.code, code, key);
  }
});

test('jobs sharing an event, encoded with the event once, are byte for byte what encoding each gives, and decode back', async () => {
  const codec = new SchemaRegistryCodec({ url: REGISTRY });
  await codec.register(SUBJECTS.jobs('webhook'), DELIVERY_JOB_SCHEMA);
  for (const kind of EVENT_KINDS) {
    const event = sampleEvent(kind, { repository: `${PREFIX}/shared` });
    const jobs = Array.from({ length: 4 }, (_, i) => createDeliveryJob({ event, notificationUuid: `00000000-0000-4000-8000-00000000000${i}`, method: 'webhook', test: i === 3 }));
    const shared = codec.encodeSharing(SUBJECTS.jobs('webhook'), jobs, 'event');
    assert.deepEqual(shared, jobs.map((j) => codec.encode(SUBJECTS.jobs('webhook'), j)), kind);
    assert.deepEqual(await Promise.all(shared.map((b) => codec.decode(b, DELIVERY_JOB_SCHEMA))), jobs, kind);
  }
  // Jobs of different events: encoded one by one.
  const other = [sampleEvent('repo_push'), sampleEvent('build_failure')].map((event) => createDeliveryJob({ event, notificationUuid: '00000000-0000-4000-8000-000000000001', method: 'webhook' }));
  assert.deepEqual(codec.encodeSharing(SUBJECTS.jobs('webhook'), other, 'event'), other.map((j) => codec.encode(SUBJECTS.jobs('webhook'), j)));
});

test('an event written with the local event schema is spliced into its jobs as it stands, byte for byte what encoding gives; another writer version is not', async () => {
  const codec = new SchemaRegistryCodec({ url: REGISTRY });
  await codec.register(SUBJECTS.repositoryEvents, REPOSITORY_EVENT_SCHEMA);
  const subject = SUBJECTS.jobs('webhook');
  await codec.register(subject, DELIVERY_JOB_SCHEMA);
  for (const kind of EVENT_KINDS) {
    const value = codec.encode(SUBJECTS.repositoryEvents, sampleEvent(kind, { repository: `${PREFIX}/splice` }));
    const event = await codec.decode(value, REPOSITORY_EVENT_SCHEMA);
    const bytes = codec.fieldBytes(value, subject, 'event');
    assert.ok(bytes, `${kind}: the writer schema is the jobs' event type`);
    for (const n of [1, 3]) {
      const jobs = Array.from({ length: n }, (_, i) => createDeliveryJob({ event, notificationUuid: `00000000-0000-4000-8000-00000000020${i}`, method: 'webhook' }));
      assert.deepEqual(codec.encodeSharing(subject, jobs, 'event', bytes), jobs.map((j) => codec.encode(subject, j)), `${kind}, ${n} job(s)`);
    }
  }
  // A newer writer (one more field, with a default) is read with resolution: its bytes are not the
  // local event type's, so they are never spliced.
  const newer = structuredClone(REPOSITORY_EVENT_SCHEMA.definition) as { fields: unknown[] };
  newer.fields.push({ name: 'tenant', type: 'string', default: '' });
  const newerSubject = `${PREFIX}-newer-event-value`;
  await codec.register(newerSubject, createSchema(newer));
  // A schema made by createSchema takes avsc's form: the body union wrapped in its branch's name.
  const pushed = sampleEvent('repo_push', { repository: `${PREFIX}/newer` });
  const value = codec.encode(newerSubject, { ...pushed, body: { 'herald.RepoPush': pushed.body }, tenant: 't' });
  await codec.decode(value, REPOSITORY_EVENT_SCHEMA);
  assert.equal(codec.fieldBytes(value, subject, 'event'), undefined);
  assert.equal(codec.fieldBytes(Buffer.from('not avro'), subject, 'event'), undefined);
});

test('processes registering a new subject at the same time all get its id (the registry refuses all but one compatibility rule)', async () => {
  const subject = `${PREFIX}-race-${randomBytes(3).toString('hex')}-value`;
  const codecs = Array.from({ length: 6 }, () => new SchemaRegistryCodec({ url: REGISTRY }));
  const ids = await Promise.all(codecs.map((c) => c.register(subject, REPOSITORY_EVENT_SCHEMA)));
  assert.equal(new Set(ids).size, 1, `one id for all: ${ids.join(', ')}`);
  const config = (await (await fetch(`${REGISTRY}/config/${subject}`)).json()) as { compatibilityLevel?: string };
  assert.equal(config.compatibilityLevel, 'BACKWARD');
});

test('decodeKnown decodes without the registry once a schema id is known, and says when it is not', async () => {
  const writer = new SchemaRegistryCodec({ url: REGISTRY });
  await writer.register(SUBJECTS.jobs('webhook'), DELIVERY_JOB_SCHEMA);
  const job = createDeliveryJob({ event: sampleEvent('repo_push', { repository: `${PREFIX}/known` }), notificationUuid: '00000000-0000-4000-8000-000000000009', method: 'webhook' });
  const bytes = writer.encode(SUBJECTS.jobs('webhook'), job);
  const reader = new SchemaRegistryCodec({ url: REGISTRY });
  assert.equal(reader.decodeKnown(bytes, DELIVERY_JOB_SCHEMA), undefined, 'a schema id never seen: the registry must be asked');
  assert.deepEqual(await reader.decode(bytes, DELIVERY_JOB_SCHEMA), job);
  assert.deepEqual(reader.decodeKnown(bytes, DELIVERY_JOB_SCHEMA), { ok: true, value: job });
  const garbage = reader.decodeKnown(Buffer.from('{"not":"avro"}'), DELIVERY_JOB_SCHEMA);
  assert.equal(garbage?.ok === false && garbage.error.code, 'DECODE_NOT_AVRO');
  const wrong = reader.decodeKnown(bytes, REPOSITORY_EVENT_SCHEMA);
  assert.equal(wrong?.ok === false && wrong.error.code, 'DECODE_UNEXPECTED_SCHEMA');
  const truncated = reader.decodeKnown(bytes.subarray(0, 12), DELIVERY_JOB_SCHEMA);
  assert.equal(truncated?.ok === false && truncated.error.code, 'DECODE_INVALID');
});

test('jobs sharing an event larger than the encoder\'s scratch buffer are still byte for byte what encoding each gives', async () => {
  const codec = new SchemaRegistryCodec({ url: REGISTRY });
  await codec.register(SUBJECTS.jobs('webhook'), DELIVERY_JOB_SCHEMA);
  const tags = Array.from({ length: 3_000 }, (_, i) => `release-${i}-${'x'.repeat(20)}`);
  const event = sampleEvent('repo_push', { repository: `${PREFIX}/big`, body: { updated_tags: tags } });
  const jobs = Array.from({ length: 3 }, (_, i) => createDeliveryJob({ event, notificationUuid: `00000000-0000-4000-8000-00000000010${i}`, method: 'webhook' }));
  const shared = codec.encodeSharing(SUBJECTS.jobs('webhook'), jobs, 'event');
  assert.ok((shared[0]?.length ?? 0) > 64 * 1024);
  assert.deepEqual(shared, jobs.map((j) => codec.encode(SUBJECTS.jobs('webhook'), j)));
  assert.deepEqual(await Promise.all(shared.map((b) => codec.decode(b, DELIVERY_JOB_SCHEMA))), jobs);
});

test("the router's reading of an event (its head: id, kind, repository, filter facts) equals the whole event's, for every kind and every writer version; its jobs are byte for byte the whole encoding", async () => {
  const codec = new SchemaRegistryCodec({ url: REGISTRY });
  await codec.register(SUBJECTS.repositoryEvents, REPOSITORY_EVENT_SCHEMA);
  const subject = SUBJECTS.jobs('slack');
  await codec.register(subject, DELIVERY_JOB_SCHEMA);
  const variants: RepositoryEvent[] = [
    ...EVENT_KINDS.map((kind) => sampleEvent(kind, { repository: `${PREFIX}/head` })),
    sampleEvent('build_success', { body: { trigger_metadata: { ref: 'refs/heads/release' } } }),
    sampleEvent('vulnerability_found', { body: { vulnerable_index_report_created: true } }),
  ];
  for (const event of variants) {
    const value = codec.encode(SUBJECTS.repositoryEvents, event);
    const whole = await codec.decode(value, REPOSITORY_EVENT_SCHEMA);
    const head = codec.decodeProjection(value, EVENT_HEAD);
    assert.deepEqual(head, { ok: true, value: eventHead(whole) }, event.kind);
    if (!head?.ok) continue;
    // Filter facts come through when present.
    if (whole.kind === 'build_success' && whole.body.trigger_metadata?.ref) assert.equal(head.value.ref, whole.body.trigger_metadata.ref);
    if (whole.kind === 'vulnerability_found') assert.equal(head.value.priority, whole.body.vulnerability.priority);
    if (whole.kind === 'repo_image_expiry') assert.equal(head.value.notification_uuid, whole.body.notification_uuid);
    const bytes = codec.fieldBytes(value, subject, 'event');
    assert.ok(bytes);
    const job = createDeliveryJob({ event: whole, notificationUuid: '00000000-0000-4000-8000-000000000301', method: 'slack', now: 1_700_000_000_000 });
    assert.deepEqual(codec.encodeAround(subject, 'event', jobFieldsAround(head.value, job.notification_uuid, 'slack', 1_700_000_000_000), bytes), codec.encode(subject, job), `${event.kind}: job bytes`);
  }
  // An older or newer writer version resolves too (here: one more field with a default).
  const newer = structuredClone(REPOSITORY_EVENT_SCHEMA.definition) as { fields: unknown[] };
  newer.fields.push({ name: 'tenant', type: 'string', default: '' });
  const newerSubject = `${PREFIX}-head-newer-value`;
  await codec.register(newerSubject, createSchema(newer));
  const built = sampleEvent('build_failure', { repository: `${PREFIX}/newer`, body: { trigger_metadata: { ref: 'refs/tags/v1' } } });
  const value = codec.encode(newerSubject, { ...built, body: { 'herald.BuildFailure': built.body }, tenant: 't' });
  assert.deepEqual(codec.decodeProjection(value, EVENT_HEAD), { ok: true, value: eventHead(await codec.decode(value, REPOSITORY_EVENT_SCHEMA)) });
  // Failures as decode's: unknown id (not fetched yet), another record, truncated bytes, garbage.
  const fresh = new SchemaRegistryCodec({ url: REGISTRY });
  const pushed = codec.encode(SUBJECTS.repositoryEvents, sampleEvent('repo_push'));
  assert.equal(fresh.decodeProjection(pushed, EVENT_HEAD), undefined, 'a schema id never seen: the registry must be asked first');
  await fresh.decode(pushed);
  assert.equal(fresh.decodeProjection(pushed, EVENT_HEAD)?.ok, true);
  const jobBytes = codec.encode(subject, createDeliveryJob({ event: sampleEvent('repo_push'), notificationUuid: '00000000-0000-4000-8000-000000000302', method: 'slack' }));
  const wrong = codec.decodeProjection(jobBytes, EVENT_HEAD);
  assert.equal(wrong?.ok === false && wrong.error.code, 'DECODE_UNEXPECTED_SCHEMA');
  const truncated = codec.decodeProjection(pushed.subarray(0, 20), EVENT_HEAD);
  assert.equal(truncated?.ok === false && truncated.error.code, 'DECODE_INVALID');
  const garbage = codec.decodeProjection(Buffer.from('garbage'), EVENT_HEAD);
  assert.equal(garbage?.ok === false && garbage.error.code, 'DECODE_NOT_AVRO');
  // A body of another kind's branch is refused as the whole decode refuses it.
  const raw = { ...sampleEvent('repo_push'), body: { 'herald.BuildSuccess': sampleEvent('build_success').body } };
  const mismatched = codec.encode(newerSubject, { ...raw, tenant: '' });
  const read = codec.decodeProjection(mismatched, EVENT_HEAD);
  assert.equal(read?.ok === false && read.error.code, 'DECODE_INVALID');
  assert.equal((await codec.safeDecode(mismatched, REPOSITORY_EVENT_SCHEMA)).ok, false);
});
