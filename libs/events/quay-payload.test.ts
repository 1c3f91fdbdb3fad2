import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { EVENT_KINDS } from './constants.js';
import { schemaInternals } from './herald-schema.js';
import { toQuayPayload } from './quay-payload.js';
import { validateEvent } from './repository-event.js';
import { sampleEvent } from './samples.js';
import { SCHEMAS } from './schemas.js';

/**
 * Golden bodies (`golden/*.json`): each holds a Herald event and the body Quay's code builds for
 * the same event, written from reading Quay's source (`quay_source` names file and lines at
 * `quay_commit`). The body Herald sends must equal it key for key, type for type, in Quay's order.
 */
interface Golden {
  quay_commit: string;
  quay_source: string[];
  event: unknown;
  body: Record<string, unknown>;
}

const GOLDEN_DIR = new URL('./golden/', import.meta.url);
const goldens = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(new URL(f, GOLDEN_DIR), 'utf8')) as Golden) }));

const { type, toAvro, fromAvro } = schemaInternals(SCHEMAS.repositoryEvent);

/** What delivery-webhook sends for an event that went through Kafka: the Avro round trip, then the JSON text. */
function sentBody(event: unknown): unknown {
  const decoded = fromAvro(type.fromBuffer(type.toBuffer(toAvro(validateEvent(event))))) as ReturnType<typeof validateEvent>;
  return JSON.parse(JSON.stringify(toQuayPayload(decoded)));
}

/** Every object's keys in order, at every depth: deepStrictEqual ignores key order. */
function keyOrder(v: unknown, path = '$'): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keyOrder(x, `${path}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return [`${path}: ${Object.keys(v).join(',')}`, ...Object.entries(v).flatMap(([k, x]) => keyOrder(x, `${path}.${k}`))];
}

test('there is a golden body for each of the 13 kinds', () => {
  const kinds = new Set(goldens.map((g) => (g.event as { kind: string }).kind));
  assert.deepEqual([...kinds].sort(), [...EVENT_KINDS].sort());
  for (const g of goldens) assert.ok(g.quay_source.length > 0 && /^[0-9a-f]{40}$/.test(g.quay_commit), g.file);
});

for (const g of goldens) {
  test(`golden body ${g.file}: as Quay builds it (${g.quay_source[0]})`, () => {
    const body = sentBody(g.event);
    assert.deepStrictEqual(body, g.body);
    // Top-level order is Quay's (a Python dict's insertion order); nested trigger_metadata is
    // the trigger's own and compared without order.
    assert.deepEqual(Object.keys(body as object), Object.keys(g.body));
    assert.deepEqual(keyOrder((body as { vulnerability?: unknown }).vulnerability), keyOrder(g.body['vulnerability']));
  });
}

test('keys Quay always sends are present as null / {} when Herald does not know them', () => {
  const start = toQuayPayload(sampleEvent('build_start', { body: { trigger_metadata: undefined, trigger_kind: undefined, trigger_id: undefined } }));
  assert.equal(start.trigger_id, null);
  assert.equal(start.trigger_kind, null);
  assert.deepEqual(start.trigger_metadata, {});
  const queued = toQuayPayload(sampleEvent('build_queued', { body: { manual_user: undefined, trigger_kind: undefined, trigger_id: undefined, trigger_metadata: undefined } }));
  assert.equal(queued.manual_user, null);
  for (const k of ['trigger_id', 'trigger_kind', 'trigger_metadata', 'trigger_manual', 'build_name']) assert.equal(k in queued, false, k);
  const vuln = sampleEvent('vulnerability_found');
  const bare = toQuayPayload(sampleEvent('vulnerability_found', { body: { vulnerability: { id: 'CVE-1', priority: 'Low', has_fix: false } } }));
  assert.deepEqual(bare.vulnerability, { id: 'CVE-1', description: null, link: null, priority: 'Low', has_fix: false });
  assert.equal('vulnerable_index_report_created' in toQuayPayload(vuln), false);
});

test('Herald metadata is not in the body', () => {
  for (const kind of EVENT_KINDS) {
    const payload = toQuayPayload(sampleEvent(kind));
    for (const key of ['event_id', 'occurred_at', 'performer', 'kind', 'body']) assert.equal(key in payload, false, `${kind}: ${key}`);
  }
});
