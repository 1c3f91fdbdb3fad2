// The config service with its recent-refs consumer in a group of the test's own, started at the
// end of repository-events (a new group would first read every earlier test's events), and a
// publisher of build events with trigger refs.
import { randomUUID } from 'node:crypto';
import { sampleEvent, type BuildEventKind, type RepositoryEvent } from '@herald/events';
import { setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { createEventPublisher, type EventPublisher } from '@herald/producer';
import { startConfigApi, type RunningConfigApi, type StartOptions } from './config-api.js';
import { TEST_SCHEMA_REGISTRY_URL, testKafka } from './kafka.js';

export interface RecentRefsFixture {
  api: RunningConfigApi;
  groupId: string;
  events: EventPublisher;
  stop(): Promise<void>;
}

export async function startRecentRefsApi(opts: StartOptions = {}): Promise<RecentRefsFixture> {
  const kafka = testKafka('herald-test-recent-refs');
  const groupId = `herald-test-recent-refs-${randomUUID()}`;
  await setGroupOffsetsToEnd(kafka, groupId, [TOPICS.repositoryEvents]);
  const events = createEventPublisher({ kafka, registryUrl: TEST_SCHEMA_REGISTRY_URL, ensureTopic: true });
  await events.connect();
  const api = await startConfigApi({ ...opts, env: { RECENT_REFS_GROUP_ID: groupId, ...opts.env } });
  return {
    api,
    groupId,
    events,
    async stop() {
      await api.stop();
      await events.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** A build event of `repository` triggered for `ref` (none: a manual build without a trigger). */
export function buildEvent(kind: BuildEventKind, repository: string, ref: string | undefined, occurredAt: number): RepositoryEvent {
  const trigger =
    ref === undefined
      ? { trigger_kind: undefined, trigger_id: undefined, trigger_metadata: undefined }
      : { trigger_kind: 'github', trigger_id: 'trigger-1', trigger_metadata: { ref, default_branch: 'main', commit: 'abc1234' } };
  return sampleEvent(kind, { repository, occurred_at: occurredAt, event_id: randomUUID(), body: trigger } as never) as RepositoryEvent;
}
