import { readFileSync } from 'node:fs';
import avro from 'avsc';

/**
 * Loads the Avro schemas of `schemas/` (the single source of truth) and builds their avsc types.
 * Read synchronously at import: four small files, needed before anything can be validated.
 */
const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

/** A parsed `.avsc` document (JSON). */
export type AvroDefinition = Record<string, unknown>;

export function readAvsc(file: string): AvroDefinition {
  return JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as AvroDefinition;
}

/**
 * Replaces the first use of the named type `name` inside `definition` by `replacement`. Avro needs
 * a named type defined at its first use; later uses may stay references.
 */
export function inlineNamedType(definition: unknown, name: string, replacement: AvroDefinition): unknown {
  let done = false;
  const walk = (node: unknown): unknown => {
    if (done) return node;
    if (node === name) {
      done = true;
      return replacement;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'doc' ? v : walk(v)]));
    }
    return node;
  };
  const out = walk(definition);
  if (!done) throw new Error(`schema does not reference ${name}`);
  return out;
}

/**
 * avsc options used for every Herald type. `wrapUnions: 'auto'` leaves `["null", T]` unwrapped
 * (plain value or null) and wraps the union of body records (`{"herald.RepoPush": {...}}`), which
 * cannot be told apart by JS type alone; the event codec unwraps it by `kind`.
 */
export const AVSC_OPTIONS = { wrapUnions: 'auto' } as const;

export function avroType(definition: unknown): avro.Type {
  // A fresh options object each time: avsc keeps its registry of named types in it.
  return avro.Type.forSchema(definition as avro.Schema, { ...AVSC_OPTIONS });
}

const eventDefinition = readAvsc('repository-event.avsc');

/** The self-contained definitions registered in the schema registry, by record name. */
export const DEFINITIONS = {
  repositoryEvent: eventDefinition,
  // The job embeds the whole event record; see the `doc` of delivery-job.avsc for why.
  deliveryJob: inlineNamedType(readAvsc('delivery-job.avsc'), 'herald.RepositoryEvent', eventDefinition) as AvroDefinition,
  deliveryResult: readAvsc('delivery-result.avsc'),
  subscriptionChange: readAvsc('subscription-change.avsc'),
} as const;
