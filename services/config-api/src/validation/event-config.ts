import { checkTagFilter, TAG_GLOB, TAG_REGEX, type EventKind } from '@herald/events';
import { filterOf } from '../schemas/event-config.js';
import { refRegex } from './ref-regex.js';

const FIELD = 'eventConfig';

/**
 * After the schema (schemas/event-config.ts): the filter of `event` as stored. Only the keys of the
 * event's filter are kept, absent ones (and an empty `level`) dropped; numeric strings of `days` become numbers, a `level`
 * stays as sent (trimmed); a `ref-regex` must compile as RE2; a tag filter (`tag-glob` or `tag-regex`) is checked by
 * libs/events' checkTagFilter, the module the router and the delivery side match with.
 */
export function checkEventConfig(event: EventKind, raw: Record<string, unknown>): Record<string, unknown> {
  const schema = filterOf(event);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema?.properties ?? {})) {
    if (key === TAG_GLOB || key === TAG_REGEX) continue;
    const v = typeof raw[key] === 'string' && key !== 'ref-regex' ? (raw[key] as string).trim() : raw[key];
    if (v === undefined || v === null || (v === '' && key !== 'ref-regex')) continue;
    if (key === 'ref-regex') out[key] = refRegex(`${FIELD}.ref-regex`, raw[key] as string);
    else if (key === 'days') out[key] = Number(v);
    else out[key] = v;
  }
  // The tag filter, where the kind has one: the patterns must compile, and only one of the two is given.
  if (schema?.properties[TAG_GLOB]) Object.assign(out, checkTagFilter(event, raw, `${FIELD}.`));
  return out;
}
