import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { crc32c, encodeRecord, type RecordInput, REQUEST_TIMEOUT_CHECK_MS, patchKafkajsCrc32c, patchKafkajsRecord, patchKafkajsDecoder, patchKafkajsRejoin, patchKafkajsEncoder, patchKafkajsRequestQueue } from './kafkajs-patches.js';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
type Queue = {
  pending: unknown[];
  inflight: Map<number, unknown>;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  throttledUntil: number;
  push(req: unknown): void;
  fulfillRequest(res: { correlationId: number; payload: Buffer; size: number }): void;
  scheduleRequestTimeoutCheck(): void;
  destroy(): void;
};
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (opts: object) => Queue;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function queue(maxInFlightRequests: number | null = null): Queue {
  patchKafkajsRequestQueue();
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: true, clientId: 't', broker: 'b', logger: silent });
}

function request(correlationId: number, sent: number[]) {
  return { entry: { correlationId, apiKey: 0, apiName: 'Fetch', apiVersion: 0, resolve: () => undefined, reject: () => undefined }, expectResponse: true, sendRequest: () => sent.push(correlationId) };
}

test('a fulfilled request with nothing pending arms no timer (kafkajs re-armed a 1 ms loop)', () => {
  const q = queue();
  const sent: number[] = [];
  q.push(request(1, sent));
  assert.deepEqual(sent, [1]);
  q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
  assert.equal(q.throttleCheckTimeoutId, null);
  q.destroy();
});

test('a request that must wait is still sent once the in-flight one settles, then no timer stays armed', async () => {
  const q = queue(1);
  const sent: number[] = [];
  q.push(request(1, sent));
  q.push(request(2, sent));
  assert.deepEqual(sent, [1]);
  assert.equal(q.pending.length, 1);
  q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
  assert.deepEqual(sent, [1, 2]);
  // The check armed when request 2 was queued fires once more and finds nothing to do.
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(q.throttleCheckTimeoutId, null);
  q.destroy();
});

test('a throttled queue still sends its pending request when the throttle ends', async () => {
  const q = queue();
  const sent: number[] = [];
  q.throttledUntil = Date.now() + 30;
  q.push(request(1, sent));
  assert.deepEqual(sent, []);
  assert.notEqual(q.throttleCheckTimeoutId, null);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(sent, [1]);
  q.destroy();
});

test('in-flight requests are checked for their timeout every REQUEST_TIMEOUT_CHECK_MS', () => {
  const q = queue();
  q.scheduleRequestTimeoutCheck();
  const interval = q.requestTimeoutIntervalId as unknown as { _repeat: number | null };
  assert.equal(interval._repeat, REQUEST_TIMEOUT_CHECK_MS);
  q.destroy();
});

test('patching twice is harmless', () => {
  assert.equal(patchKafkajsRequestQueue(), patchKafkajsRequestQueue());
});

test('the rejoin patch finds kafkajs ConsumerGroup join and leave, and applies once', () => {
  const proto = patchKafkajsRejoin();
  assert.equal(patchKafkajsRejoin(), proto);
  assert.equal(typeof proto.leave, 'function');
});

test('the encoder patch grows without zero-filling and encodes byte for byte what kafkajs did', () => {
  const proto = patchKafkajsEncoder();
  assert.equal(patchKafkajsEncoder(), proto, 'applies once');
  const Encoder = require('kafkajs/src/protocol/encoder.js') as new (size?: number) => {
    writeInt32(v: number): unknown;
    writeString(s: string): unknown;
    writeBytes(b: Buffer): unknown;
    writeVarIntString(s: string): unknown;
    buffer: Buffer;
  };
  // Grows from 2 bytes through several doublings; the reference is the same writes into one big,
  // zero-filled buffer by hand.
  const e = new Encoder(1);
  const expected: Buffer[] = [];
  for (let i = 0; i < 200; i++) {
    const s = `value-${i}-${'x'.repeat(i % 37)}`;
    e.writeInt32(i);
    e.writeString(s);
    const n = Buffer.alloc(4);
    n.writeInt32BE(i);
    const len = Buffer.alloc(2);
    len.writeInt16BE(Buffer.byteLength(s));
    expected.push(n, len, Buffer.from(s));
  }
  assert.deepEqual(e.buffer, Buffer.concat(expected));
});

test('crc32c is CRC-32C (Castagnoli) and what kafkajs computed, for every length around the 8-byte steps; record batches use it', () => {
  const original = patchKafkajsCrc32c();
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283, 'the standard check value');
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  for (let n = 0; n < 300; n++) {
    const buf = randomBytes(n);
    assert.equal(crc32c(buf), original(buf), `length ${n}`);
    assert.equal(crc32c(buf.subarray(1)), original(buf.subarray(1)), `length ${n}, unaligned view`);
  }
  // What the produce request's record batch encoder requires now.
  assert.equal(require('kafkajs/src/protocol/recordBatch/crc32C/index.js'), crc32c);
  assert.equal(patchKafkajsCrc32c(), original, 'applies once');
});

test('records are encoded byte for byte as kafkajs encoded them, headers included; produce requests use the patched encoder', () => {
  const original = patchKafkajsRecord();
  assert.notEqual(original, encodeRecord);
  const Long = require('kafkajs/src/utils/long.js') as { fromNumber(n: number): unknown };
  const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const cases: RecordInput[] = [
    { key: Buffer.from('k'), value: randomBytes(300) },
    { key: null, value: null, headers: {} },
    { offsetDelta: 7, timestampDelta: Long.fromNumber(1234), key: 'a-key', value: 'a value', headers: { traceparent: tp } },
    { offsetDelta: 300, key: randomBytes(40), value: randomBytes(5_000), headers: { traceparent: Buffer.from(tp), tracestate: 'vendor=x' } },
    { key: Buffer.from('k'), value: Buffer.from('v'), headers: { 'x-múltiple': ['één', Buffer.from([0, 1, 2])], empty: '', b: Buffer.alloc(0) } },
    { key: Buffer.from('k'), value: Buffer.from('v'), headers: { none: [] as string[] } },
    { timestampDelta: Long.fromNumber(2 ** 40), key: Buffer.from('k'), value: Buffer.alloc(200_000, 7), headers: { h: 'x'.repeat(300) } },
  ];
  for (const [i, r] of cases.entries()) {
    assert.deepEqual(encodeRecord(r).buffer, original(r).buffer, `case ${i}`);
  }
  // What kafkajs throws on (a null header value), the patched encoder throws on too.
  assert.throws(() => original({ key: null, value: null, headers: { h: null as unknown as string } }), TypeError);
  assert.throws(() => encodeRecord({ key: null, value: null, headers: { h: null as unknown as string } }), TypeError);
  // What the produce request requires now.
  assert.equal(require('kafkajs/src/protocol/recordBatch/record/v0/index.js'), encodeRecord);
  assert.equal(patchKafkajsRecord(), original, 'applies once');
});

/** Zigzag varint bytes of a value, as the Kafka protocol defines them (written here with BigInt, independently of kafkajs). */
function varint(value: bigint): number[] {
  let z = value >= 0n ? value << 1n : (-value << 1n) - 1n;
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

test('varints and varlongs are written in place, byte for byte as the protocol defines them, and read back by kafkajs', () => {
  patchKafkajsEncoder();
  const Encoder = require('kafkajs/src/protocol/encoder.js') as (new () => { writeVarInt(v: number): unknown; writeVarLong(v: unknown): unknown; buffer: Buffer }) & { sizeOfVarLong(v: unknown): number };
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => { readVarInt(): number; readVarLong(): { toString(): string } };
  const ints = [0, 1, -1, 63, -64, 64, -65, 8191, 8192, 2 ** 20, -(2 ** 20), 2 ** 30 - 1, -(2 ** 30), 2 ** 31 - 1, -(2 ** 31)];
  for (let i = 0; i < 200; i++) ints.push(Math.floor((Math.random() - 0.5) * 2 ** 32) | 0);
  for (const v of ints) {
    const e = new Encoder();
    e.writeVarInt(v);
    assert.deepEqual([...e.buffer], varint(BigInt(v)), `varint ${v}`);
    assert.equal(new Decoder(e.buffer).readVarInt(), v);
  }
  // Varlongs: numbers that fit 30 bits take the fast path; larger ones, and Longs, kafkajs's own.
  const longs: unknown[] = [...ints, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, Date.now()];
  for (const v of longs) {
    const e = new Encoder();
    e.writeVarLong(v);
    assert.deepEqual([...e.buffer], varint(BigInt(v as number)), `varlong ${String(v)}`);
    assert.equal(new Decoder(e.buffer).readVarLong().toString(), String(v));
    assert.equal(Encoder.sizeOfVarLong(v), e.buffer.length, `size of varlong ${String(v)}`);
  }
});

test('a one-byte varlong is read as the Long kafkajs read; longer ones as before', () => {
  patchKafkajsDecoder();
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => { readVarLong(): { toString(): string; add(n: number): { toString(): string } }; offset: number };
  for (let v = -64; v < 64; v++) {
    const d = new Decoder(Buffer.from([...varint(BigInt(v)), 0x2a]));
    const long = d.readVarLong();
    assert.equal(long.toString(), String(v));
    assert.equal(long.add(1_700_000_000_000).toString(), String(1_700_000_000_000 + v), 'a Long: the record decoder adds it to the batch timestamp');
    assert.equal(d.offset, 1);
  }
  for (const v of [64, -65, 2 ** 20, -(2 ** 35), Number.MAX_SAFE_INTEGER]) {
    const bytes = varint(BigInt(v));
    const d = new Decoder(Buffer.from(bytes));
    assert.equal(d.readVarLong().toString(), String(v));
    assert.equal(d.offset, bytes.length);
  }
});
