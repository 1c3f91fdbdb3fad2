import type { EventKind } from './constants.js';
import type { EventBodies, RepositoryEvent } from './event-types.js';
import type { RepositoryFields } from './repository-fields.js';

/** The JSON body a webhook receives: envelope fields and body fields, flat, as Quay sends them. */
export type QuayPayload<K extends EventKind = EventKind> = K extends EventKind ? RepositoryFields & EventBodies[K] : never;

/** The payload type of a given event type (a union of events gives a union of payloads). */
export type QuayPayloadOf<E extends RepositoryEvent> = E extends { body: infer B } ? RepositoryFields & B : never;

/**
 * The flat Quay body of an event: repository, namespace, name, docker_url, homepage, then the
 * body's fields. Herald's metadata (event_id, occurred_at, performer, kind) is not part of it, and
 * absent optional fields are absent (Quay leaves them out rather than sending null). Nested
 * objects are shared with the event, not copied.
 */
export function toQuayPayload<E extends RepositoryEvent>(event: E): QuayPayloadOf<E> {
  return {
    repository: event.repository,
    namespace: event.namespace,
    name: event.name,
    docker_url: event.docker_url,
    homepage: event.homepage,
    ...event.body,
  } as QuayPayloadOf<E>;
}
