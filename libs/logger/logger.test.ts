import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from './logger.js';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return {
    stream,
    lines: () =>
      chunks.join('').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

test('secrets are redacted wherever they sit', () => {
  const out = capture();
  const log = createLogger({ service: 't', destination: out.stream });
  log.info(
    {
      token: 'tok-1',
      notification: { config: { url: 'https://hooks.example/T0/B0/xyz', flow_api_token: 'f' } },
      req: { headers: { authorization: 'Bearer abc' } },
      repository: 'ns/app',
    },
    'notification created',
  );
  const [line] = out.lines();
  const text = JSON.stringify(line);
  for (const secret of ['tok-1', 'xyz', 'Bearer abc', '"f"']) assert.ok(!text.includes(secret), `leaked ${secret}`);
  assert.equal(line?.['repository'], 'ns/app');
  assert.equal(line?.['service'], 't');
  assert.equal(line?.['msg'], 'notification created');
});
