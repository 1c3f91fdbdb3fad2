import { encodeRawRecord, type IngestResult, type IngestSource } from '@herald/registry-ingest';
import { TOPICS } from '@herald/kafka';
import { UnavailableError } from './http/http-errors.js';
import type { IngestMetrics } from './metrics.js';
import type { ProducerLanes } from './producer-lanes.js';
import type { RecentIds } from './recent-ids.js';

/** What a registry is told about an accepted request. */
export interface Accepted {
  published: number;
  duplicates: number;
  dropped: IngestResult['dropped'];
}

/**
 * Publishes a parsed payload's records to the ingest topic (keyed by repository) and resolves once
 * Kafka has acknowledged every one (acks = all, idempotent producer): a 2xx is a durable accept.
 * Concurrent requests share produce requests (ProducerLanes).
 * Records whose source id this process already published (a registry's retry after a lost answer)
 * are not published again.
 */
export function createAccept(deps: { producer: Pick<ProducerLanes, 'sendAll'>; metrics: IngestMetrics; published: RecentIds }) {
  const { producer, metrics, published } = deps;
  return async function accept(source: IngestSource, result: IngestResult): Promise<Accepted> {
    const fresh = result.records.filter((r) => !published.has(r.source_id));
    const duplicates = result.records.length - fresh.length;
    if (fresh.length > 0) {
      try {
        await producer.sendAll(fresh.map((r) => ({ topic: TOPICS.ingestRecords, message: { key: r.repository, value: encodeRawRecord(r) } })));
      } catch (err) {
        throw new UnavailableError('Kafka did not acknowledge the events; retry', { cause: err });
      }
      for (const r of fresh) published.add(r.source_id);
    }
    metrics.records.inc({ source }, fresh.length);
    if (duplicates > 0) metrics.dropped.inc({ source, reason: 'duplicate' }, duplicates);
    for (const [reason, n] of Object.entries(result.dropped)) metrics.dropped.inc({ source, reason }, n);
    return { published: fresh.length, duplicates, dropped: result.dropped };
  };
}
