import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  applyTopicPlan,
  brokerCount,
  describeDrift,
  desiredTopics,
  findDrift,
  observeTopics,
  planTopics,
  replicationSettings,
  TopicsNotReadyError,
  verifyTopics,
  type Admin,
  type TopicSpec,
} from '@herald/kafka';
import { TEST_KAFKA_BROKERS, testKafka } from '../helpers/kafka.js';
import { eventually } from '../helpers/wait.js';

// Drift against the real broker, under names of this run only: the real Herald topics are never
// touched. Every topic whose name starts with one of these prefixes is deleted afterwards.
const LIB = `it-topics-${randomBytes(4).toString('hex')}.`;
const CLI = `it-topics-cli-${randomBytes(4).toString('hex')}.`;
const HERALD = new URL('../../scripts/herald.mjs', import.meta.url).pathname;
const HOUR = '3600000';
const WEEK = String(7 * 24 * 3600_000);
const kafka = testKafka('herald-topics-it');

async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The broker count, and the replication apply chooses for it, as createTopics arguments. */
async function cluster() {
  const brokers = await withAdmin(brokerCount);
  const settings = replicationSettings(brokers);
  const isr = settings.minInsyncReplicas === undefined ? [] : [{ name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) }];
  return { brokers, replication: { replicationFactor: settings.replicationFactor }, isr };
}

after(async () => {
  await withAdmin(async (admin) => {
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(LIB) || t.startsWith(CLI));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  });
});

test('check reports each drift; apply fixes configs and missing topics, and adds partitions only when asked', async () => {
  const specs: TopicSpec[] = [
    { name: `${LIB}jobs`, partitions: 4, config: { 'retention.ms': WEEK } },
    { name: `${LIB}changes`, partitions: 3, config: { 'cleanup.policy': 'compact' } },
    { name: `${LIB}dlq`, partitions: 2, config: { 'retention.ms': WEEK } },
  ];
  const { brokers, replication, isr } = await cluster();
  await withAdmin((admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [
        // Wrong retention, plus an override Herald does not manage (it must survive apply).
        { topic: `${LIB}jobs`, numPartitions: 4, ...replication, configEntries: [{ name: 'retention.ms', value: HOUR }, { name: 'max.message.bytes', value: '2000000' }, ...isr] },
        { topic: `${LIB}changes`, numPartitions: 1, ...replication, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, ...isr] },
      ],
    }),
  );

  await withAdmin(async (admin) => {
    const desired = desiredTopics(specs, replicationSettings(brokers));
    const names = specs.map((s) => s.name);
    const drift = async () => findDrift(desired, await observeTopics(admin, names)).map(describeDrift);

    assert.deepEqual(await drift(), [`${LIB}jobs: retention.ms is ${HOUR}, expected ${WEEK}`, `${LIB}changes: 1 partitions, expected 3`, `${LIB}dlq: missing`]);
    // A service's start check names the topics it cannot work with and the command that fixes them.
    await assert.rejects(verifyTopics(kafka, specs), (err: unknown) => {
      assert.ok(err instanceof TopicsNotReadyError);
      assert.equal(err.code, 'TOPICS_NOT_READY');
      assert.deepEqual(err.problems, [`${LIB}changes: 1 partitions, expected 3`, `${LIB}dlq: missing`]);
      assert.match(err.message, /run `npx herald topics apply`/);
      return true;
    });

    const first = planTopics(desired, await observeTopics(admin, names), { addPartitions: false, brokers });
    assert.deepEqual(await applyTopicPlan(admin, first), [
      `created ${LIB}dlq (2 partitions, replication factor ${desired[0]!.replicationFactor})`,
      `configured ${LIB}jobs: retention.ms=${WEEK}`,
    ]);
    assert.deepEqual(first.blocked.map((b) => describeDrift(b.drift)), [`${LIB}changes: 1 partitions, expected 3`]);
    assert.deepEqual(await drift(), [`${LIB}changes: 1 partitions, expected 3`]);
    assert.equal((await observeTopics(admin, [`${LIB}jobs`])).get(`${LIB}jobs`)?.overrides['max.message.bytes'], '2000000');

    const second = planTopics(desired, await observeTopics(admin, names), { addPartitions: true, brokers });
    assert.deepEqual(await applyTopicPlan(admin, second), [`added 2 partitions to ${LIB}changes (1 -> 3)`]);
    await eventually(async () => assert.deepEqual(await drift(), []));
    await verifyTopics(kafka, specs);
    // Idempotent: a clean set plans nothing.
    const third = planTopics(desired, await observeTopics(admin, names), { addPartitions: true, brokers });
    assert.deepEqual(third, { create: [], alterConfigs: [], addPartitions: [], blocked: [] });
  });
});

interface Run {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** `herald topics <args>` as an operator runs it; KAFKA_BROKERS points nowhere, so --brokers must win. */
function topics(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERALD, 'topics', ...args, '--brokers', TEST_KAFKA_BROKERS.join(','), '--prefix', CLI], {
      env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', DELIVERY_RETRY_DELAYS_MS: '1000', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: stdout.trimEnd().split('\n'), stderr }));
  });
}

test('the herald topics command: exit codes and one line per problem', async () => {
  // One retry level (DELIVERY_RETRY_DELAYS_MS=1000): 5 shared topics (ingest.registry-records
  // included) + 6 methods x (jobs, retry.1, dlq).
  const total = 23;
  const webhook = `${CLI}notifications.webhook`;
  const { replication, isr } = await cluster();
  await withAdmin((admin) =>
    admin.createTopics({ waitForLeaders: true, topics: [{ topic: webhook, numPartitions: 3, ...replication, configEntries: [{ name: 'retention.ms', value: HOUR }, ...isr] }] }),
  );

  const check = await topics(['check']);
  assert.equal(check.code, 1, check.stderr);
  assert.ok(check.lines.includes(`${webhook}: 3 partitions, expected 12`), check.lines.join('\n'));
  assert.ok(check.lines.includes(`${webhook}: retention.ms is ${HOUR}, expected ${WEEK}`));
  assert.ok(check.lines.includes(`${CLI}notifications.webhook.retry.1: missing`));
  assert.ok(!check.lines.some((l) => l.includes('.retry.2')), 'one retry level, from DELIVERY_RETRY_DELAYS_MS');
  assert.equal(check.lines.filter((l) => l.endsWith(': missing')).length, total - 1);
  assert.equal(check.lines.at(-1), `0 of ${total} topics ok; ${total + 1} problems in ${total}; run \`npx herald topics apply\``);

  const apply = await topics(['apply']);
  assert.equal(apply.code, 1, 'partitions left to add');
  assert.equal(apply.lines.filter((l) => l.startsWith('created ')).length, total - 1);
  assert.ok(apply.lines.includes(`configured ${webhook}: retention.ms=${WEEK}`), apply.lines.join('\n'));
  assert.ok(apply.lines.some((l) => l.startsWith(`not fixed: ${webhook}: 3 partitions, expected 12 (`) && l.includes('--add-partitions')));
  assert.equal(apply.lines.at(-1), `${total - 1} of ${total} topics ok; 1 problem in 1`);

  const add = await topics(['apply', '--add-partitions']);
  assert.deepEqual([add.code, add.lines], [0, [`added 9 partitions to ${webhook} (3 -> 12)`, `${total} topics ok`]], add.stderr);

  assert.deepEqual(await topics(['check']).then((r) => [r.code, r.lines]), [0, [`${total} topics ok`]]);
  assert.deepEqual(await topics(['apply']).then((r) => [r.code, r.lines]), [0, [`${total} topics ok`]]);

  // Replication is checked too: the same topics against a cluster meant for one more replica.
  const more = String(replication.replicationFactor + 1);
  const rf = await topics(['check'], { KAFKA_REPLICATION_FACTOR: more, KAFKA_MIN_INSYNC_REPLICAS: more });
  assert.equal(rf.code, 1);
  assert.ok(rf.lines.includes(`${webhook}: replication factor ${replication.replicationFactor}, expected ${more}`), rf.lines.join('\n'));
  assert.ok(rf.lines.some((l) => new RegExp(`^${webhook.replaceAll('.', '\\.')}: min\\.insync\\.replicas (is \\d+|not set \\(broker default \\d+\\)), expected ${more}$`).test(l)), rf.lines.join('\n'));

  const usage = await topics(['check', '--add-partitions']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--add-partitions is an apply option/);
  const badEnv = await topics(['check'], { DELIVERY_RETRY_DELAYS_MS: 'soon' });
  assert.equal(badEnv.code, 2);
  assert.match(badEnv.stderr, /DELIVERY_RETRY_DELAYS_MS must be a comma-separated list of integers/);
});
