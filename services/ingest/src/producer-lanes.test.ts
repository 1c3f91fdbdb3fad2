import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutgoingRecord, RecordProducer } from '@herald/kafka';
import { ProducerLanes } from './producer-lanes.js';

/** A producer whose sends stay in flight until released: what each lane was asked to send. */
function heldProducer() {
  const sends: OutgoingRecord[][] = [];
  const release: (() => void)[] = [];
  const producer: RecordProducer = {
    connect: async () => undefined,
    close: async () => undefined,
    send: (records) => {
      sends.push([...records]);
      return new Promise<void>((resolve) => release.push(resolve));
    },
  };
  return { producer, sends, release: () => release.splice(0).forEach((r) => r()) };
}

const msg = (i: number) => [{ topic: 't', message: { key: `k${i}`, value: Buffer.from(String(i)) } }];
const tick = () => new Promise((r) => setTimeout(r, 5));

test('a light load stays on the first lane; the next lane takes what queues past `fill` while the first is in flight', async () => {
  const a = heldProducer();
  const b = heldProducer();
  const lanes = new ProducerLanes([a.producer, b.producer], 3);
  const first = lanes.sendAll(msg(0));
  await tick();
  assert.equal(a.sends.length, 1, 'sent at once on lane a');
  // Lane a is in flight (counts 1) and queues 2 more: full at 3; the rest goes to lane b.
  const more = [1, 2, 3, 4].map((i) => lanes.sendAll(msg(i)));
  await tick();
  assert.deepEqual(b.sends.map((s) => s.map((r) => r.key)), [['k3', 'k4']]);
  a.release();
  await first;
  await tick();
  assert.deepEqual(a.sends.map((s) => s.map((r) => r.key)), [['k0'], ['k1', 'k2']]);
  a.release();
  b.release();
  await Promise.all(more);
});
