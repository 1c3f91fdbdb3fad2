import { readFile } from 'node:fs/promises';
import { HeraldError } from '@herald/errors';
import { SchemaRegistryCodec, type RepositoryEvent } from '@herald/events';
import { createKafka } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { prepareEvents } from '../prepare-events.js';
import { createEventPublisher, type PublishedEvent } from '../publisher.js';
import { DEFAULTS, type EmitCommand } from './args.js';
import { eventFromFlags } from './event-from-flags.js';
import { parseEventLines } from './jsonl.js';

export interface EmitIo {
  /** One line of standard output. */
  out: (line: string) => void;
  logger?: Logger;
}

/** The events a command publishes, all validated; nothing has touched Kafka yet. */
export async function collectEvents(cmd: EmitCommand): Promise<RepositoryEvent[]> {
  const { source, flags } = cmd;
  if (source.mode === 'file') {
    let text: string;
    try {
      text = await readFile(source.path, 'utf8');
    } catch (err) {
      throw new HeraldError('INPUT_INVALID', `cannot read ${source.path}: ${(err as Error).message}`, { cause: err });
    }
    return parseEventLines(text, { source: source.path, registryHost: cmd.registryHost });
  }
  const explicitHost = typeof flags['registry-host'] === 'string' ? cmd.registryHost : undefined;
  const sample = source.mode === 'sample';
  const event = eventFromFlags(source.kind, flags, {
    sample,
    // A sample keeps its own registry host unless one is given; built events use the default.
    registryHost: explicitHost ?? (sample ? undefined : DEFAULTS.registryHost),
  });
  return prepareEvents([event], {}, false);
}

/** The line printed for a published event. */
export function formatPublished(p: PublishedEvent): string {
  return `published ${p.event.event_id} ${p.event.kind} ${p.event.repository} partition=${p.partition} offset=${p.offset}`;
}

/**
 * `herald emit`: validates every event first, then makes sure the topic exists, registers the
 * schema and publishes, printing one line per event.
 */
export async function runEmit(cmd: EmitCommand, io: EmitIo): Promise<void> {
  const events = await collectEvents(cmd);
  if (cmd.dryRun) {
    for (const e of events) io.out(JSON.stringify(e));
    return;
  }
  const kafka = createKafka({ ...cmd.kafkaSecurity, brokers: cmd.brokers, clientId: 'herald-emit', ...(io.logger ? { logger: io.logger } : {}) });
  const publisher = createEventPublisher({
    kafka,
    registryUrl: cmd.registryUrl,
    codec: new SchemaRegistryCodec({ ...cmd.registrySecurity, url: cmd.registryUrl, clientId: 'herald-emit' }),
    ensureTopic: true,
    ...(io.logger ? { logger: io.logger } : {}),
  });
  await publisher.connect();
  try {
    for (const p of await publisher.publish(events)) io.out(formatPublished(p));
  } finally {
    await publisher.disconnect();
  }
}
