import { ValidationError } from '@herald/errors';

// The OCI distribution spec's grammar for names, tags and digests.
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const HOST = /^[A-Za-z0-9.[\]:-]{1,255}$/;

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads an optional string field; anything else but absent/empty is a ValidationError on `field`. */
export function optionalString(o: Record<string, unknown>, key: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ValidationError(field, 'must be a string');
  return v;
}

export function requiredString(o: Record<string, unknown>, key: string, field: string): string {
  const v = optionalString(o, key, field);
  if (v === undefined) throw new ValidationError(field, 'is required');
  return v;
}

/**
 * A registry repository name as Herald's "namespace/name": a one-component name (Docker Hub's
 * official images, e.g. `alpine`) is put under `library/`, as Docker Hub shows it.
 */
export function heraldRepository(name: string, field: string): string {
  if (name.length > 255 || !REPOSITORY.test(name)) throw new ValidationError(field, `not a repository name: ${JSON.stringify(name.slice(0, 300))}`);
  return name.includes('/') ? name : `library/${name}`;
}

export function checkTag(tag: string, field: string): string {
  if (!TAG.test(tag)) throw new ValidationError(field, `not a tag: ${JSON.stringify(tag.slice(0, 200))}`);
  return tag;
}

export function checkDigest(digest: string, field: string): string {
  if (digest.length > 300 || !DIGEST.test(digest)) throw new ValidationError(field, `not a digest: ${JSON.stringify(digest.slice(0, 300))}`);
  return digest;
}

export function checkHost(host: string, field: string): string {
  if (!HOST.test(host)) throw new ValidationError(field, `not a host: ${JSON.stringify(host.slice(0, 300))}`);
  return host;
}

/** The host of a URL, or undefined when it is not one. */
export function hostOfUrl(u: string | undefined): string | undefined {
  if (u === undefined) return undefined;
  try {
    return new URL(u).host || undefined;
  } catch {
    return undefined;
  }
}
