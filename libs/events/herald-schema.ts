import type avro from 'avsc';
import { avroType, type AvroDefinition } from './avro-schemas.js';
import { checkAvro } from './avro-validate.js';
import { plainConverter } from './avro-plain.js';

/**
 * One of Herald's message schemas: its registered Avro definition plus validation of the
 * TypeScript value it stands for. The avsc type stays inside this library.
 */
export interface HeraldSchema<T> {
  /** Full Avro record name, e.g. `herald.RepositoryEvent`; the codec matches writer schemas by it. */
  readonly name: string;
  /** The self-contained Avro schema, as registered. */
  readonly definition: Readonly<AvroDefinition>;
  /** Validates and normalizes `input`; throws a ValidationError naming the offending field. */
  validate(input: unknown): T;
  /** Type marker only (never set): lets `decode(buf, schema)` infer T. */
  readonly __type?: T;
}

/** How a schema's values map to and from what avsc reads and writes. */
export interface SchemaInternals {
  type: avro.Type;
  toAvro(value: unknown): unknown;
  fromAvro(raw: unknown): unknown;
}

const internals = new WeakMap<HeraldSchema<unknown>, SchemaInternals>();

export interface SchemaHooks<T> {
  validate?: (type: avro.Type, input: unknown) => T;
  toAvro?: (value: T) => unknown;
  /** Receives the raw avsc value; returns the plain value (may throw a DecodeError). */
  fromAvro?: (raw: unknown, plain: (raw: unknown) => unknown) => T;
}

/** Builds a HeraldSchema from a self-contained Avro definition. */
export function defineSchema<T>(definition: AvroDefinition, hooks: SchemaHooks<T> = {}): HeraldSchema<T> {
  const type = avroType(definition);
  if (!type.name) throw new Error('a Herald schema must be a named record');
  const plain = plainConverter(type);
  const validate = hooks.validate ?? ((t: avro.Type, input: unknown) => checkAvro(t, input, { root: 'value' }) as T);
  const schema: HeraldSchema<T> = {
    name: type.name,
    definition,
    validate: (input) => validate(type, input),
  };
  internals.set(schema as HeraldSchema<unknown>, {
    type,
    toAvro: (hooks.toAvro as ((v: unknown) => unknown) | undefined) ?? ((v) => v),
    fromAvro: hooks.fromAvro ? (raw) => hooks.fromAvro?.(raw, plain) : plain,
  });
  return schema;
}

/**
 * A schema for an arbitrary Avro record definition, without Herald-specific rules; for tools and
 * tests (e.g. registering a deliberately incompatible version).
 */
export function createSchema(definition: Record<string, unknown>): HeraldSchema<unknown> {
  return defineSchema<unknown>(definition);
}

/** The avsc side of a schema (library-internal). */
export function schemaInternals(schema: HeraldSchema<unknown>): SchemaInternals {
  const found = internals.get(schema);
  if (!found) throw new Error(`not a schema built by defineSchema: ${schema.name}`);
  return found;
}
