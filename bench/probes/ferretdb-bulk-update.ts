// `node --import tsx bench/probes/ferretdb-bulk-update.ts [sizes…]`: whether the local stack's
// FerretDB answers `update` commands of N upsert statements (bulkWrite of updateOne), four rounds
// over the same documents, per N (default 25, 50, 90, 110, 200). Each size gets a database of its own, since one that did not answer
// leaves its database blocked for every client. Found with the endpoint health aggregates, which
// write in commands of 50 because of it (libs/delivery/endpoint-health.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { connectDb, createMongoClient } from '@herald/mongo';

const ROUNDS = 4;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const stack = await ensureStack();
const mongo = createMongoClient({ url: stack.mongoUrl });
const rows: Record<string, unknown>[] = [];
for (const n of sizes.length > 0 ? sizes : [25, 50, 90, 110, 200]) {
  const db = await connectDb(mongo, `herald_probe_bulk_${n}_${randomBytes(3).toString('hex')}`);
  const col = db.collection<{ _id: string }>('probe');
  await col.createIndex({ n: 1, t: -1 });
  // As the health aggregates write: the same documents again each round (inserted first, then updated).
  const ids = Array.from({ length: n }, () => randomUUID());
  const ops = ids.map((id) => ({ updateOne: { filter: { _id: id }, update: { $setOnInsert: { n: id, t: new Date() }, $inc: { c: 1 } }, upsert: true } }));
  const t0 = Date.now();
  let answered = true;
  let rounds = 0;
  for (; rounds < ROUNDS && answered; rounds++) {
    let timer: NodeJS.Timeout | undefined;
    answered = await Promise.race([
      col.bulkWrite(ops, { ordered: false }).then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), 15_000))),
    ]);
    clearTimeout(timer);
  }
  rows.push({ statements: n, answered, rounds, ms: Date.now() - t0 });
  console.log(`[probe:ferretdb-bulk] ${n} upserts per command: ${answered ? `${rounds} rounds answered in ${Date.now() - t0} ms` : `round ${rounds} got no answer within 15 s`}`);
  if (answered) await db.dropDatabase();
}
console.log(JSON.stringify({ probe: 'ferretdb-bulk-update', rows }));
process.exit(0);
