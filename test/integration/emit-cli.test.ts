import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_EVENT_SCHEMA, sampleData, SchemaRegistryCodec, type RepositoryEvent } from '@herald/events';
import { createKafka, TOPICS } from '@herald/kafka';
import { readSince, TEST_KAFKA_BROKERS, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';

const BROKERS = TEST_KAFKA_BROKERS.join(',');
const REGISTRY = TEST_SCHEMA_REGISTRY_URL;
const HERALD = new URL('../../scripts/herald.mjs', import.meta.url).pathname;
const PREFIX = `it-emit-${randomBytes(4).toString('hex')}`;
/** This file's messages are written after this: readers start here (see offsetsSince). */
const STARTED = Date.now() - 1_000;
const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'herald-emit-it' });
const codec = new SchemaRegistryCodec({ url: REGISTRY });

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `herald <args>` as a user would, with the stack's addresses in the environment. */
function herald(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERALD, ...args], {
      env: { ...process.env, KAFKA_BROKERS: BROKERS, SCHEMA_REGISTRY_URL: REGISTRY },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Line {
  eventId: string;
  kind: string;
  repository: string;
  partition: number;
  offset: string;
}

function publishedLines(stdout: string): Line[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^published (\S+) (\S+) (\S+) partition=(\d+) offset=(\d+)$/.exec(l);
      assert.ok(m, `unexpected output line: ${l}`);
      return { eventId: m[1]!, kind: m[2]!, repository: m[3]!, partition: Number(m[4]), offset: m[5]! };
    });
}

/** This run's events on `repository-events` (by key prefix), decoded, until `done` holds. */
const readOwn = (done: (events: RepositoryEvent[]) => boolean): Promise<RepositoryEvent[]> =>
  readSince(
    kafka,
    TOPICS.repositoryEvents,
    STARTED,
    (message) => ((message.key?.toString() ?? '').startsWith(PREFIX) ? codec.decode(message.value, REPOSITORY_EVENT_SCHEMA) : undefined),
    done,
  );

function jsonl(name: string, lines: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'herald-emit-')), name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
}

test('emit <kind> publishes one event built from flags', async () => {
  const repository = `${PREFIX}/flags`;
  const run = await herald(['emit', 'repo_push', '--repository', repository, '--tags', 'latest,v1']);
  assert.equal(run.code, 0, run.stderr);
  const [line] = publishedLines(run.stdout);
  assert.equal(line?.kind, 'repo_push');
  const [event] = await readOwn((evs) => evs.some((e) => e.event_id === line?.eventId)).then((evs) =>
    evs.filter((e) => e.event_id === line?.eventId),
  );
  assert.deepStrictEqual(event, {
    event_id: line?.eventId,
    occurred_at: event?.occurred_at,
    kind: 'repo_push',
    repository,
    namespace: PREFIX,
    name: 'flags',
    docker_url: `localhost:5000/${repository}`,
    homepage: `http://localhost:5000/repository/${repository}`,
    body: { updated_tags: ['latest', 'v1'] },
  });
});

test('emit --sample and emit --file publish every event and print one line each', async () => {
  const sample = await herald(['emit', '--sample', 'build_success', '--repository', `${PREFIX}/sample`]);
  assert.equal(sample.code, 0, sample.stderr);
  const file = jsonl('good.jsonl', [
    { ...sampleData('vulnerability_found'), event_id: undefined, repository: `${PREFIX}/file-a`, namespace: undefined, name: undefined, docker_url: undefined, homepage: undefined },
    '',
    { kind: 'repo_mirror_sync_failed', repository: `${PREFIX}/file-b`, body: { message: 'upstream unreachable' } },
  ]);
  const bulk = await herald(['emit', '--file', file]);
  assert.equal(bulk.code, 0, bulk.stderr);
  const lines = [...publishedLines(sample.stdout), ...publishedLines(bulk.stdout)];
  assert.deepEqual(lines.map((l) => l.kind), ['build_success', 'vulnerability_found', 'repo_mirror_sync_failed']);
  const ids = new Set(lines.map((l) => l.eventId));
  const events = (await readOwn((evs) => [...ids].every((id) => evs.some((e) => e.event_id === id)))).filter((e) => ids.has(e.event_id));
  assert.equal(events.length, 3);
  const vuln = events.find((e) => e.kind === 'vulnerability_found');
  assert.equal(vuln?.docker_url, `localhost:5000/${PREFIX}/file-a`);
  assert.equal(vuln?.kind === 'vulnerability_found' && vuln.body.vulnerability.id, 'CVE-2024-6387');
});

test('a bad line names its number and field, and nothing from the file is published', async () => {
  const repository = `${PREFIX}/bad-file`;
  const file = jsonl('bad.jsonl', [
    { kind: 'repo_push', repository, body: { updated_tags: ['would-be-published'] } },
    { kind: 'build_start', repository, body: { build_name: 'n', docker_tags: [] } },
  ]);
  const run = await herald(['emit', '--file', file]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /bad\.jsonl:2: body\.build_id: required/);
  assert.doesNotMatch(run.stderr, /bad\.jsonl:1:/);

  // Same key, same partition: had line 1 been published, it would be read before this marker.
  const marker = await herald(['emit', 'repo_push', '--repository', repository, '--tags', 'marker']);
  assert.equal(marker.code, 0, marker.stderr);
  const [markerLine] = publishedLines(marker.stdout);
  const mine = (await readOwn((evs) => evs.some((e) => e.event_id === markerLine?.eventId))).filter((e) => e.repository === repository);
  assert.deepEqual(mine.map((e) => e.event_id), [markerLine?.eventId]);
});

/** Runs `herald <args>` with its output read a chunk at a time, `pauseMs` apart, as a slow pipe reader would. */
function heraldReadSlowly(args: string[], pauseMs: number): Promise<Run & { chunks: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HERALD, ...args], {
      env: { ...process.env, KAFKA_BROKERS: BROKERS, SCHEMA_REGISTRY_URL: REGISTRY },
    });
    let stdout = '';
    let stderr = '';
    let chunks = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      chunks += 1;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), pauseMs);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, chunks }));
  });
}

test('emit --file prints every published line to a slow reader before it exits', async () => {
  const count = 2_000;
  const file = jsonl(
    'many.jsonl',
    Array.from({ length: count }, (_, i) => ({ kind: 'repo_push', repository: `${PREFIX}/slow-${i % 10}`, body: { updated_tags: [`t${i}`] } })),
  );
  const run = await heraldReadSlowly(['emit', '--file', file], 50);
  assert.equal(run.code, 0, run.stderr);
  const lines = publishedLines(run.stdout);
  assert.equal(lines.length, count);
  assert.equal(new Set(lines.map((l) => l.eventId)).size, count);
  // More output than one pipe buffer holds: the reader's pauses held the writer back.
  assert.ok(run.chunks > 1, `read in ${run.chunks} chunk(s)`);
});

test('usage errors exit 2, help exits 0', async () => {
  const bad = await herald(['emit', 'not_a_kind', '--repository', 'ns/app']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown event kind "not_a_kind"/);
  const help = await herald(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /herald emit <kind>/);
});
