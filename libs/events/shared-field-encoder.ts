import avro from 'avsc';

/** The record split around one field: its fields before, the field itself, its fields after. */
export interface SplitRecord {
  before: avro.Type;
  field: avro.Type;
  after: avro.Type;
}

const cache = new WeakMap<avro.Type, Map<string, SplitRecord | null>>();

/**
 * Splits a record type around `fieldName`, so that records sharing that field's value can encode it
 * once: an Avro record's binary form is its fields' encodings in order, so `before ++ field ++
 * after` is byte for byte the whole record's encoding. Null when the type has no such field.
 */
export function splitRecord(type: avro.Type, fieldName: string): SplitRecord | null {
  let byField = cache.get(type);
  if (!byField) cache.set(type, (byField = new Map()));
  if (byField.has(fieldName)) return byField.get(fieldName) ?? null;
  const fields = type.typeName === 'record' ? (type as avro.types.RecordType).fields : [];
  const at = fields.findIndex((f) => f.name === fieldName);
  let split: SplitRecord | null = null;
  if (at >= 0) {
    // Existing types are reused as field types, so named types keep resolving; defaults are kept
    // (an absent optional field is written as its default, as the whole record does).
    const fieldOf = (f: avro.types.Field) => {
      const d: unknown = f.defaultValue();
      return { name: f.name, type: f.type as unknown as avro.Schema, ...(d === undefined ? {} : { default: d }) };
    };
    const part = (name: string, list: readonly avro.types.Field[]) =>
      avro.Type.forSchema({ type: 'record', name: `herald.split.${name}`, fields: list.map(fieldOf) } as avro.Schema);
    split = { before: part('Before', fields.slice(0, at)), field: (fields[at] as avro.types.Field).type, after: part('After', fields.slice(at + 1)) };
  }
  byField.set(fieldName, split);
  return split;
}
