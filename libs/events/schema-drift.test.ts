import { test } from 'node:test';
import assert from 'node:assert/strict';
import type avro from 'avsc';
import { BODY_RECORDS, EVENT_KINDS } from './constants.js';
import { ENUM_SPECS, RECORD_SPECS } from './field-specs.js';
import { schemaInternals, type HeraldSchema } from './herald-schema.js';
import { ALL_SCHEMAS, SCHEMAS } from './schemas.js';

/**
 * The Avro half of the drift check (the TypeScript half is `field-specs.ts`, checked by tsc):
 * every record and enum of the `.avsc` files must match the TS-side lists, and the other way round.
 */
interface Found {
  records: Map<string, Record<string, string>>;
  enums: Map<string, string[][]>;
  optionalWithoutNullDefault: string[];
}

function coarse(type: avro.Type): string {
  switch (type.typeName) {
    case 'string':
    case 'enum':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'array':
      return `${coarse((type as avro.types.ArrayType).itemsType)}[]`;
    case 'record':
      return 'record';
    case 'union:unwrapped': {
      const other = (type as avro.types.UnwrappedUnionType).types.filter((t) => t.typeName !== 'null');
      return other.length === 1 && other[0] ? `${coarse(other[0])}?` : 'union';
    }
    case 'union:wrapped':
      // The body union: in TypeScript, an object discriminated by kind.
      return (type as avro.types.WrappedUnionType).types.every((t) => t.typeName === 'record') ? 'record' : 'union';
    default:
      return type.typeName;
  }
}

function walk(type: avro.Type, found: Found, seen = new Set<avro.Type>()): void {
  if (seen.has(type)) return;
  seen.add(type);
  if (type.typeName === 'record') {
    const record = type as avro.types.RecordType;
    const fields: Record<string, string> = {};
    for (const f of record.fields) {
      fields[f.name] = coarse(f.type);
      if (fields[f.name]?.endsWith('?') && f.defaultValue() !== null) {
        found.optionalWithoutNullDefault.push(`${record.name}.${f.name}`);
      }
      walk(f.type, found, seen);
    }
    const name = record.name ?? '';
    const before = found.records.get(name);
    if (before) assert.deepStrictEqual(fields, before, `${name} is defined twice, differently`);
    found.records.set(name, fields);
  } else if (type.typeName === 'enum') {
    const e = type as avro.types.EnumType;
    found.enums.set(e.name ?? '', [...(found.enums.get(e.name ?? '') ?? []), [...e.symbols]]);
  } else if (type.typeName === 'array') {
    walk((type as avro.types.ArrayType).itemsType, found, seen);
  } else if (type.typeName.startsWith('union')) {
    for (const t of (type as avro.types.UnwrappedUnionType).types) walk(t, found, seen);
  }
}

const found: Found = { records: new Map(), enums: new Map(), optionalWithoutNullDefault: [] };
for (const schema of ALL_SCHEMAS) walk(schemaInternals(schema).type, found);

test('every Avro record matches its TypeScript field list, field by field', () => {
  for (const [name, fields] of found.records) {
    assert.ok(RECORD_SPECS[name], `Avro record ${name} has no TypeScript field list`);
    assert.deepStrictEqual(fields, { ...RECORD_SPECS[name] }, `fields of ${name}`);
  }
});

test('every TypeScript field list has its Avro record', () => {
  for (const name of Object.keys(RECORD_SPECS)) assert.ok(found.records.has(name), `no Avro record ${name}`);
});

test('every Avro enum has exactly the TypeScript symbols, in order, wherever it is defined', () => {
  assert.deepEqual([...found.enums.keys()].sort(), Object.keys(ENUM_SPECS).sort());
  for (const [name, definitions] of found.enums) {
    for (const symbols of definitions) assert.deepEqual(symbols, [...(ENUM_SPECS[name] ?? [])], name);
  }
  // EventKind and DeliveryMethod are repeated in the self-contained job, result and change schemas.
  assert.ok((found.enums.get('herald.EventKind')?.length ?? 0) >= 3);
});

test('the body union has one record per kind, in EventKind order', () => {
  const event = schemaInternals(SCHEMAS.repositoryEvent as HeraldSchema<unknown>).type as avro.types.RecordType;
  const body = event.fields.find((f) => f.name === 'body')?.type as avro.types.WrappedUnionType;
  assert.deepEqual(body.types.map((t) => t.name), EVENT_KINDS.map((k) => BODY_RECORDS[k]));
});

test('optional fields default to null, so adding one later stays BACKWARD compatible', () => {
  assert.deepEqual(found.optionalWithoutNullDefault, []);
});

test('the delivery job embeds the very event schema', () => {
  const job = schemaInternals(SCHEMAS.deliveryJob as HeraldSchema<unknown>).type as avro.types.RecordType;
  const event = job.fields.find((f) => f.name === 'event')?.type;
  assert.ok(event?.equals(schemaInternals(SCHEMAS.repositoryEvent as HeraldSchema<unknown>).type));
});
