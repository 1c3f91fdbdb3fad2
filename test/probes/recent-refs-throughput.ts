// A probe, not a test: `node --import tsx test/probes/recent-refs-throughput.ts` (with the stack's
// port variables). How fast the config service's recent-refs consumer records build refs (issue 16):
// 20,000 events (half build events with a trigger ref) over 250 repositories, timed until a sentinel
// event published last is visible through GET …/recentrefs; and the process's CPU at rest.
import { randomUUID } from 'node:crypto';
import { sampleEvent, type RepositoryEvent } from '@herald/events';
import { buildEvent, startRecentRefsApi } from '../helpers/recent-refs.js';
import { adminToken } from '../helpers/tokens.js';

const fx = await startRecentRefsApi({ env: { LOG_LEVEL: 'warn' } });
const { api } = fx;
const token = await adminToken('bench/*', 'root');
// Idle: CPU of this process (config API + idle publisher) over 10 s once the consumer runs.
await new Promise((r) => setTimeout(r, 3000));
let c0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, 10_000));
let c = process.cpuUsage(c0);
console.log(`idle: ${((c.user + c.system) / 1000 / 10).toFixed(1)} ms CPU per s`);

const N = 20_000, REPOS = 500;
const kinds = ['build_queued', 'build_start', 'build_success', 'build_failure'] as const;
const t0 = Date.now() - 3_600_000;
const events: RepositoryEvent[] = [];
for (let i = 0; i < N; i++) {
  const repo = `bench/r${i % REPOS}`;
  if (i % 2 === 0) events.push(sampleEvent('repo_push', { repository: repo, event_id: randomUUID() }) as RepositoryEvent);
  else events.push(buildEvent(kinds[i % 4]!, repo, `refs/heads/b${i % 37}`, t0 + i));
}
const sentinel = buildEvent('build_success', 'bench/sentinel', 'refs/heads/done', t0 + N + 1);
const p0 = Date.now();
await fx.events.publish(events);
await fx.events.publish(sentinel);
const published = Date.now();
c0 = process.cpuUsage();
for (;;) {
  const r = await api.request<{ refs: { ref: string }[] }>('GET', '/api/v1/repository/bench/sentinel/recentrefs', { token });
  if (r.body.refs.length > 0) break;
  await new Promise((res) => setTimeout(res, 50));
}
const done = Date.now();
c = process.cpuUsage(c0);
console.log(`published ${N + 1} events in ${published - p0} ms; all recorded ${done - published} ms after the last publish (${Math.round((N + 1) / ((done - p0) / 1000))} events/s end to end); CPU while recording ${((c.user + c.system) / 1000).toFixed(0)} ms`);
const docs = await api.db.db.collection('recent_refs').countDocuments();
let largest = 0;
for await (const d of api.db.db.collection('recent_refs').find({}, { projection: { refs: 1 } })) largest = Math.max(largest, (d['refs'] as unknown[]).length);
console.log(`documents ${docs}; largest refs list ${largest} (RECENT_REFS_LIMIT 10)`);
await fx.stop();
process.exit(0);
