// `node --import tsx bench/probes/ferretdb-bytes.ts`: what FerretDB (the local stack's, SQLite)
// spends per inserted document and per stored byte, for plain strings and for strings full of
// quotes (which FerretDB escapes). The attempt log's bucket layout follows from it.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { connectDb, createMongoClient } from '@herald/mongo';
import { cpuMs } from '../webhook/cpu.js';

const DOCS = 2_000;
const stack = await ensureStack();
const ferret = Number(spawnSync('pgrep', ['-f', '-o', 'ferretdb -listen'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]) || 0;
if (!ferret) throw new Error('no local FerretDB process found');
const mongo = createMongoClient({ url: stack.mongoUrl });
const db = await connectDb(mongo, `herald_probe_ferret_${randomBytes(3).toString('hex')}`);
const col = db.collection('probe');
const uuids = Array.from({ length: 200 }, () => randomUUID());

async function perDoc(make: (uuid: string) => Record<string, unknown>): Promise<number> {
  const before = cpuMs(ferret);
  for (let i = 0; i < DOCS; i += uuids.length) await col.insertMany(uuids.map(make), { ordered: false });
  return ((cpuMs(ferret) - before) / DOCS) * 1000;
}

const rows: Record<string, unknown>[] = [];
for (const size of [0, 1_000, 5_000, 20_000]) {
  const base = (u: string) => ({ notification_uuid: u, first: new Date(), last: new Date(), n: 50 });
  const plain = await perDoc((u) => ({ ...base(u), s: 'x'.repeat(size) }));
  const quoted = await perDoc((u) => ({ ...base(u), s: '"a"'.repeat(Math.floor(size / 3)) }));
  rows.push({ bytes: size, plain_us_per_doc: Math.round(plain), quoted_us_per_doc: Math.round(quoted) });
  console.log(`[probe:ferretdb] ${size} bytes: plain ${plain.toFixed(0)} µs/doc, quoted ${quoted.toFixed(0)} µs/doc`);
}
await db.dropDatabase();
await mongo.close();
console.log(JSON.stringify({ probe: 'ferretdb-bytes', docs_per_size: DOCS, rows }));
