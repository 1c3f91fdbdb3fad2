import { HeraldError, ValidationError } from '@herald/errors';
import { deriveRepositoryFields, isBuildEventKind, isEventKind, type RepositoryEvent } from '@herald/events';
import { prepareEvents } from '../prepare-events.js';

/** How many bad lines are listed before the rest are only counted. */
const MAX_LISTED = 20;

const DERIVED = ['namespace', 'name', 'docker_url', 'homepage'] as const;

/**
 * Fills the envelope fields a line left out (namespace, name, docker_url, homepage) from its
 * repository, as `emit <kind> --repository` does; fields the line gives are kept as they are.
 */
function withEnvelope(line: unknown, registryHost: string): unknown {
  if (line === null || typeof line !== 'object' || Array.isArray(line)) return line;
  const event = line as Record<string, unknown>;
  if (typeof event['repository'] !== 'string' || DERIVED.every((k) => k in event)) return event;
  const body = event['body'] as Record<string, unknown> | undefined;
  const buildId = isEventKind(event['kind']) && isBuildEventKind(event['kind']) ? body?.['build_id'] : undefined;
  const derived = deriveRepositoryFields(event['repository'], {
    registryHost,
    buildId: typeof buildId === 'string' ? buildId : undefined,
  });
  return { ...derived, ...event };
}

/**
 * Parses and validates every line of a JSON-lines file (blank lines skipped). Throws one error
 * naming each bad line and its field (`events.jsonl:3: body.build_id: required`) if any line is bad,
 * so that nothing from a file with a bad line is published.
 */
export function parseEventLines(text: string, opts: { source: string; registryHost: string }): RepositoryEvent[] {
  const events: RepositoryEvent[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${opts.source}:${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      problems.push(`${where}: invalid JSON (${(err as Error).message})`);
      return;
    }
    try {
      events.push(...prepareEvents([withEnvelope(json, opts.registryHost)], {}, false));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(`${where}: ${err.message}`);
    }
  });
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED) listed.push(`… and ${problems.length - MAX_LISTED} more bad lines`);
    throw new HeraldError('INPUT_INVALID', `${opts.source}: nothing published, ${problems.length} bad line(s):\n  ${listed.join('\n  ')}`);
  }
  if (events.length === 0) throw new HeraldError('INPUT_INVALID', `${opts.source}: no events in the file`);
  return events;
}
