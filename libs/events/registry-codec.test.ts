import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { DecodeError, HeraldError } from '@herald/errors';
import { SchemaRegistryCodec } from './registry-codec.js';
import { SCHEMAS } from './schemas.js';
import { sampleEvent } from './samples.js';
import { frame } from './wire-format.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const codec = async () => new SchemaRegistryCodec({ url: `http://127.0.0.1:${await closedPort()}`, retries: 0 });

async function decodeFails(c: SchemaRegistryCodec, value: Buffer | null, code: string): Promise<void> {
  const result = await c.safeDecode(value);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.ok(result.error instanceof DecodeError);
    assert.equal(result.error.code, code);
    assert.equal(result.error.retriable, false);
  }
  await assert.rejects(c.decode(value), (err: unknown) => err instanceof DecodeError && err.code === code);
}

test('garbage is a typed DecodeError, never a crash, and costs no registry call', async () => {
  const c = await codec();
  await decodeFails(c, Buffer.from('{"kind":"repo_push"}'), 'DECODE_NOT_AVRO');
  await decodeFails(c, Buffer.from([0, 0, 0]), 'DECODE_NOT_AVRO');
  await decodeFails(c, Buffer.alloc(0), 'DECODE_EMPTY');
  await decodeFails(c, null, 'DECODE_EMPTY');
  // Schema ids are positive: no need to ask the registry about 0 or a negative id.
  await decodeFails(c, frame(0, Buffer.from([1, 2, 3])), 'DECODE_UNKNOWN_SCHEMA');
  await decodeFails(c, frame(-5, Buffer.from([1])), 'DECODE_UNKNOWN_SCHEMA');
});

test('an unreachable registry is a retriable error, not a bad message', async () => {
  const c = await codec();
  const attempt = c.safeDecode(frame(42, Buffer.from([2, 4])));
  await assert.rejects(attempt, (err: unknown) => {
    assert.ok(err instanceof HeraldError && !(err instanceof DecodeError));
    assert.equal(err.code, 'REGISTRY_UNAVAILABLE');
    assert.equal(err.retriable, true);
    return true;
  });
  await assert.rejects(c.register('x-value', SCHEMAS.repositoryEvent), { code: 'REGISTRY_UNAVAILABLE' });
});

test('encoding needs a registered subject', async () => {
  const c = await codec();
  assert.throws(() => c.encode('repository-events-value', sampleEvent('repo_push')), { code: 'SCHEMA_NOT_REGISTERED' });
  assert.equal(c.schemaId('repository-events-value'), undefined);
});
