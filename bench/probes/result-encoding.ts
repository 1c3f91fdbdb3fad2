// `node --import tsx bench/probes/result-encoding.ts`: µs to encode one delivery result record
// with the registry codec (as the delivery runtime does once per attempt), registered against the
// local schema registry.
import { ensureStack } from '@herald/infra';
import { DELIVERY_RESULT_SCHEMA, SchemaRegistryCodec, SUBJECTS, type DeliveryResult } from '@herald/events';

const N = 300_000;
const stack = await ensureStack();
const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
await codec.register(SUBJECTS.deliveryResults, DELIVERY_RESULT_SCHEMA);
const result: DeliveryResult = {
  delivery_id: '8c0c7a1e-3b4f-5a2d-9a51-6f0f7e2b1c3d',
  notification_uuid: '9c0c7a1e-3b4f-4a2d-9a51-6f0f7e2b1c3d',
  method: 'webhook',
  attempt: 1,
  outcome: 'success',
  status_code: 200,
  duration_ms: 3,
  occurred_at: Date.now(),
  disable: false,
  event_id: 'ac0c7a1e-3b4f-4a2d-9a51-6f0f7e2b1c3d',
  kind: 'repo_push',
};
const runs: number[] = [];
for (let round = 0; round < 4; round++) {
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) codec.encode(SUBJECTS.deliveryResults, { ...result, attempt: (i % 50) + 1 });
  const used = process.cpuUsage(before);
  runs.push((used.user + used.system) / N);
}
const us = runs.slice(1); // the first round warms up
console.log(`[probe:encode] ${us.map((x) => x.toFixed(2)).join(', ')} µs per result`);
console.log(JSON.stringify({ probe: 'result-encoding', values: N, us_per_result: us.map((x) => Number(x.toFixed(2))) }));
