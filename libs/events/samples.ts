import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isBuildEventKind, isQuotaEventKind, type EventKind } from './constants.js';
import type { EventBodies, EventEnvelope, Performer, RepositoryEventOf } from './event-types.js';
import { deriveRepositoryFields, registryHostOf } from './repository-fields.js';
import { validateEvent } from './repository-event.js';

const SAMPLE_DIR = new URL('../../schemas/samples/', import.meta.url);
const loaded = new Map<EventKind, RepositoryEventOf<EventKind>>();

/**
 * The stored sample of a kind (`schemas/samples/<kind>.json`), validated, as a fresh copy. Its
 * event_id and occurred_at are fixed; use `sampleEvent` for an event to publish.
 */
export function sampleData<K extends EventKind>(kind: K): RepositoryEventOf<K> {
  let sample = loaded.get(kind);
  if (!sample) {
    const json: unknown = JSON.parse(readFileSync(new URL(`${kind}.json`, SAMPLE_DIR), 'utf8'));
    sample = validateEvent(json) as RepositoryEventOf<EventKind>;
    if (sample.kind !== kind) throw new Error(`sample ${kind}.json has kind ${sample.kind}`);
    loaded.set(kind, sample);
  }
  return structuredClone(sample) as RepositoryEventOf<K>;
}

/** What `sampleEvent` may change; body fields are merged into the sample's body. */
export type SampleOverrides<K extends EventKind> = Partial<Omit<EventEnvelope, 'performer'>> & {
  /** Host for the derived docker_url and homepage; defaults to the sample's. */
  registryHost?: string;
  /** null removes the sample's performer. */
  performer?: Performer | null;
  body?: Partial<EventBodies[K]>;
};

/**
 * A sample event of `kind`, ready to publish: a new event_id, occurred_at = now, and the envelope
 * re-derived for `overrides.repository` / `registryHost` (explicit envelope overrides win). Used by
 * the "test notification" action and by tests. Throws a ValidationError if the overrides make it invalid.
 */
export function sampleEvent<K extends EventKind>(kind: K, overrides: SampleOverrides<K> = {}): RepositoryEventOf<K> {
  const { registryHost, performer, body, ...envelope } = overrides;
  const base = sampleData(kind);
  const mergedBody = { ...base.body, ...body } as EventBodies[K];
  const buildId = isBuildEventKind(kind) ? (mergedBody as { build_id?: string }).build_id : undefined;
  const derived = deriveRepositoryFields(envelope.repository ?? base.repository, {
    registryHost: registryHost ?? registryHostOf(base),
    buildId,
    namespacePage: isQuotaEventKind(kind),
  });
  const chosenPerformer = performer === null ? undefined : (performer ?? base.performer);
  const event = {
    event_id: randomUUID(),
    occurred_at: Date.now(),
    ...(chosenPerformer ? { performer: chosenPerformer } : {}),
    kind,
    ...derived,
    ...Object.fromEntries(Object.entries(envelope).filter(([, v]) => v !== undefined)),
    body: mergedBody,
  };
  return validateEvent(event) as RepositoryEventOf<K>;
}
