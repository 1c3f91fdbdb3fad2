// `node --import tsx bench/probes/record-batches.ts`: client CPU per record of the delivery
// runtime's record producer (@platformatic/kafka, idempotent, acks = all) by batch size, against
// the local broker: a request costs far more than a record in it, which is why BatchingProducer
// lingers (20 ms by default) to fill its batches.
import { randomBytes, randomUUID } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { createRecordProducer, ensureTopics, createKafka } from '@herald/kafka';

const RECORDS = 60_000;
const stack = await ensureStack();
const topic = `herald-probe-records-${randomBytes(3).toString('hex')}`;
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-probe' });
await ensureTopics(kafka, [{ name: topic, partitions: 12, config: {} }]);
const producer = createRecordProducer({ brokers: stack.kafkaBrokers, clientId: 'herald-probe' });
await producer.connect([topic]);
const keys = Array.from({ length: 200 }, () => randomUUID());
const value = randomBytes(180); // about a delivery result

async function cpuPerRecord(batch: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < RECORDS; i += batch) {
    await producer.send(Array.from({ length: batch }, (_, j) => ({ topic, key: keys[(i + j) % keys.length] as string, value })));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / RECORDS;
}

await cpuPerRecord(100); // warm-up
const rows: { batch: number; us_per_record: number }[] = [];
for (const batch of [20, 70, 300]) {
  const us = await cpuPerRecord(batch);
  rows.push({ batch, us_per_record: Number(us.toFixed(2)) });
  console.log(`[probe:records] batches of ${batch}: ${us.toFixed(2)} µs of CPU per record`);
}
await producer.close();
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
await admin.disconnect();
console.log(JSON.stringify({ probe: 'record-batches', records: RECORDS, rows }));
