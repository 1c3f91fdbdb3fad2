import avro from 'avsc';
import { AVSC_OPTIONS } from './avro-schemas.js';
import { schemaInternals, type HeraldSchema } from './herald-schema.js';

/** The fields a projection keeps, by record full name (`herald.BuildSuccess`); records not listed keep none. */
export type ProjectionFields = Readonly<Record<string, readonly string[]>>;

/**
 * A reader for part of one of Herald's records: the fields a consumer needs, read with Avro schema
 * resolution, which skips every other field without building it (see `SchemaRegistryCodec.
 * decodeProjection`). The router reads an event's id, kind, repository and filter facts this way
 * and splices the event's bytes into its jobs, so it never builds the whole event.
 */
export interface Projection<T> {
  /** The full record's name: a writer schema of another record is refused as for `decode`. */
  readonly name: string;
  /** The pruned reader type (library-internal). */
  readonly type: avro.Type;
  /** The raw projected value → T (may throw a DecodeError). */
  readonly fromAvro: (raw: unknown) => T;
}

/**
 * A projection of `schema` keeping the fields `keep` names (nested records through the fields that
 * hold them). Kept fields keep their defaults, so writers that lack them still resolve; unions keep
 * every branch, so a branch is still told from another. `fromAvro` receives avsc's value as read
 * (records as avsc's objects, absent optional fields null, unions wrapped as `{branch: value}`
 * except `["null", T]`): projections exist for hot paths, which read the few fields they need.
 */
export function defineProjection<T>(schema: HeraldSchema<unknown>, keep: ProjectionFields, fromAvro: (raw: unknown) => T): Projection<T> {
  const full = schemaInternals(schema).type;
  const type = avro.Type.forSchema(prune(full, keep, new Set()) as avro.Schema, { ...AVSC_OPTIONS });
  return { name: schema.name, type, fromAvro };
}

/** The schema JSON of `type` with only the kept fields of each record; named types defined once. */
function prune(type: avro.Type, keep: ProjectionFields, defined: Set<string>): unknown {
  const name = type.name;
  if (name !== undefined) {
    if (defined.has(name)) return name;
    defined.add(name);
  }
  switch (type.typeName) {
    case 'record':
    case 'error': {
      const kept = new Set(keep[name ?? ''] ?? []);
      const fields = (type as avro.types.RecordType).fields.filter((f) => kept.has(f.name)).map((f) => {
        const d: unknown = f.defaultValue();
        return { name: f.name, type: prune(f.type, keep, defined), ...(d === undefined ? {} : { default: d }) };
      });
      return { type: 'record', name, fields };
    }
    case 'enum':
      return { type: 'enum', name, symbols: (type as avro.types.EnumType).symbols };
    case 'fixed':
      return { type: 'fixed', name, size: (type as avro.types.FixedType).size };
    case 'array':
      return { type: 'array', items: prune((type as avro.types.ArrayType).itemsType, keep, defined) };
    case 'map':
      return { type: 'map', values: prune((type as avro.types.MapType).valuesType, keep, defined) };
    case 'union:wrapped':
    case 'union:unwrapped':
      return (type as avro.types.WrappedUnionType | avro.types.UnwrappedUnionType).types.map((t: avro.Type) => prune(t, keep, defined));
    default:
      return type.typeName;
  }
}
