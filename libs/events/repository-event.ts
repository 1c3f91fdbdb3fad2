import type avro from 'avsc';
import { DecodeError, ValidationError } from '@herald/errors';
import { BODY_RECORDS, isEventKind } from './constants.js';
import { DEFINITIONS } from './avro-schemas.js';
import { checkAvro, isPlainObject, type BranchSelector, type CheckOptions } from './avro-validate.js';
import { branchOf } from './avro-plain.js';
import { checkEventRules } from './event-rules.js';
import { defineSchema } from './herald-schema.js';
import type { RepositoryEvent } from './event-types.js';

/** The body union is resolved by the event's `kind` (a valid kind is checked before `body`). */
export const selectBodyBranch: BranchSelector = (union, parent) => {
  const kind = parent['kind'];
  if (!isEventKind(kind)) return undefined;
  return (union as avro.types.WrappedUnionType).types.find((b) => b.name === BODY_RECORDS[kind]);
};

export const EVENT_CHECK: Omit<CheckOptions, 'root'> = {
  selectBranch: selectBodyBranch,
  enumMessages: { 'herald.EventKind': (v) => `unknown event kind ${JSON.stringify(v)}` },
};

/** The Avro value of an event: the body wrapped in its union branch. */
export function eventToAvro(event: RepositoryEvent): unknown {
  return { ...event, body: { [BODY_RECORDS[event.kind]]: event.body } };
}

/** Refuses an event whose body branch does not match its kind (only a foreign producer can write one). */
export function checkBodyBranch(raw: unknown, where = 'event'): void {
  const record = raw as { kind?: unknown; body?: unknown };
  const branch = branchOf(record.body);
  if (!isEventKind(record.kind) || branch !== BODY_RECORDS[record.kind]) {
    throw new DecodeError('INVALID', `${where}: kind ${String(record.kind)} carries a ${String(branch)} body`);
  }
}

function validate(type: avro.Type, input: unknown): RepositoryEvent {
  if (!isPlainObject(input)) throw new ValidationError('event', 'expected an object');
  const event = checkAvro(type, input, { root: 'event', ...EVENT_CHECK }) as RepositoryEvent;
  checkEventRules(event);
  return event;
}

/** `schemas/repository-event.avsc`, registered under `repository-events-value`. */
export const REPOSITORY_EVENT_SCHEMA = defineSchema<RepositoryEvent>(DEFINITIONS.repositoryEvent, {
  validate,
  toAvro: eventToAvro,
  fromAvro: (raw, plain) => {
    checkBodyBranch(raw);
    return plain(raw) as RepositoryEvent;
  },
});

/**
 * Validates an event against the Avro schema and Herald's rules, and returns it normalized (plain
 * objects; absent or null optional fields left out). Throws a ValidationError naming the field:
 * `body.build_id: required`, `kind: unknown event kind "foo"`, `body.updated_tag: unknown field`.
 */
export function validateEvent(input: unknown): RepositoryEvent {
  return REPOSITORY_EVENT_SCHEMA.validate(input);
}
