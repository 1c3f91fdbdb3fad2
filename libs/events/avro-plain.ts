import type avro from 'avsc';

/** Turns a value decoded by avsc into Herald's plain form; `undefined` = the value is kept as is. */
type Convert = ((value: unknown) => unknown) | undefined;

const cache = new WeakMap<avro.Type, Convert>();

/**
 * Compiles (once per type) a converter from avsc's decoded values to plain objects: record class
 * instances become plain objects, null optional fields are left out (Herald's values never hold
 * `null`; the Quay payload puts back the nulls Quay sends, see quay-payload.ts), and wrapped unions
 * are unwrapped to their branch value. Compiled because the router decodes thousands of events a
 * second.
 */
export function plainConverter(type: avro.Type): (value: unknown) => unknown {
  const convert = compile(type);
  return convert ?? ((v) => v);
}

function compile(type: avro.Type): Convert {
  if (cache.has(type)) return cache.get(type);
  // Recursive schemas: a placeholder breaks the cycle; the built converter replaces it.
  const slot: { convert?: Convert } = {};
  cache.set(type, (v) => (slot.convert ? slot.convert(v) : v));
  slot.convert = build(type);
  cache.set(type, slot.convert);
  return slot.convert;
}

function build(type: avro.Type): Convert {
  switch (type.typeName) {
    case 'record':
    case 'error': {
      const fields = (type as avro.types.RecordType).fields.map((f) => [f.name, compile(f.type)] as const);
      return (value) => {
        const src = value as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [name, convert] of fields) {
          const x = src[name];
          if (x !== null && x !== undefined) out[name] = convert ? convert(x) : x;
        }
        return out;
      };
    }
    case 'array': {
      const item = compile((type as avro.types.ArrayType).itemsType);
      return item ? (value) => (value as unknown[]).map(item) : undefined;
    }
    case 'map': {
      const item = compile((type as avro.types.MapType).valuesType as avro.Type);
      return item
        ? (value) => Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, x]) => [k, item(x)]))
        : undefined;
    }
    case 'union:unwrapped': {
      const branches = (type as avro.types.UnwrappedUnionType).types.map(compile).filter((c) => c !== undefined);
      // Only ["null", T] unions are unwrapped in Herald's schemas: convert the one non-null branch.
      const only = branches.length === 1 ? branches[0] : undefined;
      return only ? (value) => (value === null ? null : only(value)) : undefined;
    }
    case 'union:wrapped': {
      const byBranch = new Map<string, Convert>();
      for (const b of (type as avro.types.WrappedUnionType).types) byBranch.set(b.branchName ?? '', compile(b));
      return (value) => {
        if (value === null) return null;
        for (const [branch, x] of Object.entries(value as Record<string, unknown>)) {
          const convert = byBranch.get(branch);
          return convert ? convert(x) : x;
        }
        return undefined;
      };
    }
    default:
      return undefined;
  }
}

/** The branch name of a wrapped union value (`{"herald.RepoPush": {...}}` → `herald.RepoPush`). */
export function branchOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key in value) return key;
  return undefined;
}
