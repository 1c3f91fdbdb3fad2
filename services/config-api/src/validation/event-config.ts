import { ValidationError } from '@herald/errors';
import { isBuildEventKind, type EventKind } from '@herald/events';
import { refRegex } from './ref-regex.js';

const FIELD = 'eventConfig';
export const MAX_EXPIRY_DAYS = 3650;

function level(raw: unknown): number | string {
  const f = `${FIELD}.level`;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 5) {
    throw new ValidationError(f, 'must be an integer from 0 (Critical) to 5 (Unknown), as a number or numeric string');
  }
  return typeof raw === 'string' ? raw.trim() : n;
}

function days(raw: unknown): number {
  const f = `${FIELD}.days`;
  if (raw === undefined || raw === null || raw === '') throw new ValidationError(f, 'is required for repo_image_expiry');
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n <= 0 || n > MAX_EXPIRY_DAYS) {
    throw new ValidationError(f, `must be an integer from 1 to ${MAX_EXPIRY_DAYS}`);
  }
  return n;
}

/**
 * Validates the event filter of SPEC §2 for `event` and returns the normalized filter. Keys that do
 * not apply to the event are dropped.
 */
export function validateEventConfig(event: EventKind, raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError(FIELD, 'must be an object');
  const ec = raw as Record<string, unknown>;
  if (isBuildEventKind(event)) {
    const re = ec['ref-regex'];
    return re === undefined || re === null ? {} : { 'ref-regex': refRegex(`${FIELD}.ref-regex`, re) };
  }
  if (event === 'vulnerability_found') {
    const l = ec['level'];
    return l === undefined || l === null || l === '' ? {} : { level: level(l) };
  }
  if (event === 'repo_image_expiry') return { days: days(ec['days']) };
  return {};
}
