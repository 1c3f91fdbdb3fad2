import { consumerLag, TOPICS, type Kafka } from '@herald/kafka';
import { Gauge, type Registry } from '@herald/observability';
import type { RecentRefsRecorder, RecorderState } from './recorder.js';

const STATES: readonly RecorderState[] = ['idle', 'joining', 'running', 'retrying', 'restarting', 'failed', 'stopped'];

/**
 * The recent-refs consumer on /metrics: its lag on `repository-events` (read from the group's
 * committed offsets when scraped, as the router's) and its state, since readiness never shows it.
 */
export function installRecentRefsMetrics(registry: Registry, deps: { kafka: Kafka; groupId: string; recorder: RecentRefsRecorder }): void {
  new Gauge({
    name: 'herald_consumer_lag',
    help: 'Consumer lag per partition (the recent-refs consumer of the ref-regex preview)',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      const lag = await consumerLag(deps.kafka, deps.groupId, TOPICS.repositoryEvents).catch(() => new Map<number, number>());
      for (const [partition, n] of lag) this.set({ topic: TOPICS.repositoryEvents, partition: String(partition) }, n);
    },
  });
  new Gauge({
    name: 'herald_recent_refs_consumer_state',
    help: 'The recent-refs consumer: 1 for its current state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const now = deps.recorder.status().state;
      for (const s of STATES) this.set({ state: s }, s === now ? 1 : 0);
    },
  });
}
