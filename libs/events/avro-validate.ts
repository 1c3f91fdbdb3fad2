import type avro from 'avsc';
import { ValidationError } from '@herald/errors';

/** Picks the branch of a wrapped union (e.g. the event body by `kind`) from the enclosing record. */
export type BranchSelector = (union: avro.Type, parent: Record<string, unknown>) => avro.Type | undefined;

export interface CheckOptions {
  /** Name used for the value itself when it is not an object. */
  root: string;
  selectBranch?: BranchSelector;
  /** Messages for a bad enum value, by enum full name. */
  enumMessages?: Readonly<Record<string, (value: string) => string>>;
}

/** Avro's 32-bit int range. */
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

/**
 * Checks `value` against an avsc type and returns a normalized copy: plain objects, optional fields
 * that are absent or null left out, defaults of non-null fields filled in. Throws a ValidationError
 * naming the first offending path (`body.build_id: required`). Unknown fields are refused, because
 * Avro would silently drop them and a misspelt field would vanish without a word.
 */
export function checkAvro(type: avro.Type, value: unknown, opts: CheckOptions): unknown {
  const fail = (path: string, message: string): never => {
    throw new ValidationError(path === '' ? opts.root : path, message);
  };

  const check = (t: avro.Type, v: unknown, path: string, parent?: Record<string, unknown>): unknown => {
    switch (t.typeName) {
      case 'record':
        return checkRecord(t as avro.types.RecordType, v, path);
      case 'string':
        return typeof v === 'string' ? v : fail(path, `expected a string, got ${describe(v)}`);
      case 'boolean':
        return typeof v === 'boolean' ? v : fail(path, `expected a boolean, got ${describe(v)}`);
      case 'int':
        return Number.isInteger(v) && (v as number) >= INT_MIN && (v as number) <= INT_MAX
          ? v
          : fail(path, `expected a 32-bit integer, got ${describe(v) === 'number' ? v : describe(v)}`);
      case 'long':
        return Number.isSafeInteger(v) ? v : fail(path, `expected an integer, got ${describe(v) === 'number' ? v : describe(v)}`);
      case 'float':
      case 'double':
        return Number.isFinite(v) ? v : fail(path, `expected a number, got ${describe(v)}`);
      case 'null':
        return v === null ? v : fail(path, `expected null, got ${describe(v)}`);
      case 'enum':
        return checkEnum(t as avro.types.EnumType, v, path);
      case 'array': {
        if (!Array.isArray(v)) return fail(path, `expected an array, got ${describe(v)}`);
        const items = (t as avro.types.ArrayType).itemsType;
        return v.map((item, i) => check(items, item, `${path}[${i}]`));
      }
      case 'map': {
        if (!isPlainObject(v)) return fail(path, `expected an object, got ${describe(v)}`);
        const values = (t as avro.types.MapType).valuesType as avro.Type;
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, check(values, x, join(path, k))]));
      }
      case 'union:unwrapped': {
        const branches = (t as avro.types.UnwrappedUnionType).types.filter((b) => b.typeName !== 'null');
        if (branches.length !== 1) return fail(path, 'unsupported union (more than one non-null branch)');
        return check(branches[0] as avro.Type, v, path);
      }
      case 'union:wrapped': {
        const branch = parent && opts.selectBranch ? opts.selectBranch(t, parent) : undefined;
        return branch ? check(branch, v, path) : fail(path, 'cannot tell which branch of the union this is');
      }
      default:
        return fail(path, `unsupported Avro type ${t.typeName}`);
    }
  };

  const checkEnum = (t: avro.types.EnumType, v: unknown, path: string): unknown => {
    if (typeof v === 'string' && t.symbols.includes(v)) return v;
    const custom = opts.enumMessages?.[t.name ?? ''];
    if (typeof v === 'string' && custom) return fail(path, custom(v));
    return fail(path, `expected one of ${t.symbols.join(', ')}, got ${typeof v === 'string' ? JSON.stringify(v) : describe(v)}`);
  };

  const checkRecord = (t: avro.types.RecordType, v: unknown, path: string): unknown => {
    if (!isPlainObject(v)) return fail(path, `expected an object, got ${describe(v)}`);
    const out: Record<string, unknown> = {};
    for (const field of t.fields) {
      const fieldPath = join(path, field.name);
      const x = v[field.name];
      if (x === undefined || x === null) {
        if (isOptional(field.type)) continue;
        const fallback: unknown = field.defaultValue();
        if (fallback !== undefined && fallback !== null) {
          out[field.name] = fallback;
          continue;
        }
        if (x === null) fail(fieldPath, 'must not be null');
        fail(fieldPath, 'required');
      }
      out[field.name] = check(field.type, x, fieldPath, v);
    }
    for (const key of Object.keys(v)) {
      if (!(key in out) && v[key] !== undefined && v[key] !== null && !t.fields.some((f) => f.name === key)) {
        fail(join(path, key), 'unknown field');
      }
    }
    return out;
  };

  return check(type, value, '');
}

/** True for `["null", T]`: the field may be absent. */
export function isOptional(type: avro.Type): boolean {
  return type.typeName.startsWith('union') && (type as avro.types.UnwrappedUnionType).types.some((b) => b.typeName === 'null');
}
