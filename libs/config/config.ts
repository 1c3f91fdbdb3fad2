import { ConfigError } from '@herald/errors';

/** Reads one variable from the environment; returns the parsed value or records a problem. */
export type Reader<T> = (env: NodeJS.ProcessEnv, name: string, problems: string[]) => T;

type Shape = Record<string, Reader<unknown>>;
export type ConfigOf<S extends Shape> = { readonly [K in keyof S]: ReturnType<S[K]> };

/**
 * Parses `env` against `shape` and returns a frozen, typed config object. Every problem is collected
 * and thrown together as one ConfigError, so an operator fixes them all in one go.
 */
export function parseConfig<S extends Shape>(shape: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(shape)) out[name] = read(env, name, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}

function raw(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function missing(name: string, problems: string[]): void {
  problems.push(`${name} is required`);
}

/** A string; `fallback` undefined means required. */
export function str(fallback?: string): Reader<string> {
  return (env, name, problems) => {
    const v = raw(env, name) ?? fallback;
    if (v === undefined) {
      missing(name, problems);
      return '';
    }
    return v;
  };
}

/** An optional string (undefined when unset). */
export function optionalStr(): Reader<string | undefined> {
  return (env, name) => raw(env, name);
}

/** An integer within [min, max]. */
export function int(fallback: number | undefined, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Reader<number> {
  return (env, name, problems) => {
    const v = raw(env, name);
    if (v === undefined) {
      if (fallback === undefined) missing(name, problems);
      return fallback ?? 0;
    }
    if (!/^-?\d+$/.test(v)) {
      problems.push(`${name} must be an integer, got "${v}"`);
      return fallback ?? 0;
    }
    const n = Number(v);
    if (n < min || n > max) problems.push(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** An optional integer within [min, max] (undefined when unset: the caller derives a default). */
export function optionalInt(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Reader<number | undefined> {
  const read = int(0, min, max);
  return (env, name, problems) => (raw(env, name) === undefined ? undefined : read(env, name, problems));
}

/** A boolean: only true/false/1/0 are accepted. */
export function bool(fallback: boolean): Reader<boolean> {
  return (env, name, problems) => {
    const v = raw(env, name);
    if (v === undefined) return fallback;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    problems.push(`${name} must be one of true, false, 1, 0, got "${v}"`);
    return fallback;
  };
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(values: readonly T[], fallback?: T): Reader<T> {
  return (env, name, problems) => {
    const v = raw(env, name) ?? fallback;
    if (v === undefined) {
      missing(name, problems);
      return values[0] as T;
    }
    if (!(values as readonly string[]).includes(v)) {
      problems.push(`${name} must be one of ${values.join(', ')}, got "${v}"`);
      return (fallback ?? values[0]) as T;
    }
    return v as T;
  };
}

/** A comma-separated list of non-empty strings. */
export function list(fallback: readonly string[] | undefined): Reader<string[]> {
  return (env, name, problems) => {
    const v = raw(env, name);
    if (v === undefined) {
      if (fallback === undefined) missing(name, problems);
      return [...(fallback ?? [])];
    }
    return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  };
}

/** An absolute http(s) URL. */
export function url(fallback?: string): Reader<string> {
  return (env, name, problems) => {
    const v = raw(env, name) ?? fallback;
    if (v === undefined) {
      missing(name, problems);
      return '';
    }
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      problems.push(`${name} must be an http(s) URL, got "${v}"`);
    }
    return v;
  };
}

/** A comma-separated list of integers within [min, max] (e.g. a retry schedule in ms). */
export function intList(fallback: readonly number[], min: number, max: number): Reader<number[]> {
  const read = list(fallback.map(String));
  return (env, name, problems) => {
    const items = read(env, name, problems);
    const nums = items.map(Number);
    if (nums.length === 0 || items.some((s, i) => !/^\d+$/.test(s) || (nums[i] as number) < min || (nums[i] as number) > max)) {
      problems.push(`${name} must be a comma-separated list of integers between ${min} and ${max}, got "${items.join(',')}"`);
      return [...fallback];
    }
    return nums;
  };
}
