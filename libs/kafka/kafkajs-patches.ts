// kafkajs 2.2.4 is unmaintained; what it gets wrong for Herald is corrected here, once per process,
// on the modules kafkajs itself loads (the same CommonJS instances: bundles keep kafkajs external).
//
// Two timers in its per-connection request queue keep every idle client busy (kafkajs#1556/#1704,
// fixes never shipped):
//
// - `scheduleCheckPendingRequests` re-arms a setTimeout even when nothing is pending and the client is
//   not throttled; the delay is then negative, so Node runs it every 1 ms, and every fulfilled
//   response starts such a loop again. It only has something to do while requests wait in `pending`
//   (throttled, or over the in-flight limit), and `push` and every settled request schedule a check
//   in that case, so with nothing pending no timer is armed.
// - `scheduleRequestTimeoutCheck` scans in-flight requests for expired ones every 100 ms per
//   connection. Timeouts are seconds long (requestTimeout, or a fetch's maxWaitTime + requestTimeout):
//   checking every second keeps them within a second of due at a tenth of the wake-ups.
//
// A consumer that crashes (its retries ran out while a broker was away) and restarts forgets its
// group member id and joins as a new member. The coordinator, which reloaded the group with the old
// member when the broker came back, then holds the join until that member's session times out: a
// restarted broker left consumers idle for their whole session timeout (30 s for kafkajs's
// default) after it was back. The restarted consumer now rejoins once with the member id it had, as
// a member rejoining a rebalance does, however many times it restarts before it gets in; when that
// id has expired the coordinator answers UNKNOWN_MEMBER_ID and kafkajs joins as a new member, as
// before. A clean leave forgets the id.
//
// Its protocol Encoder grows by `Buffer.alloc`: a zero-filled, unpooled buffer at every doubling,
// while encoding every record and every produce request. Nothing reads an encoder's bytes past what
// was written (`buffer` is the written part, and every write first makes room), so growing with
// `allocUnsafe` (pooled when small) and copying the written part gives the same bytes for less. It
// writes each varint through an array and a new Buffer (five or more per record), and each varlong
// (a record's timestamp delta) and its size through 64-bit Long arithmetic; varints are now written
// in place, and varlongs that fit 30 bits (all of Herald's: deltas of 0) as the varints they equal.
// At tens of thousands of jobs a second these made ~20 % of the router's CPU. Its Decoder reads every
// varlong (each fetched record's timestamp delta) with a Long addition and shift per byte; one that
// fits a single byte (a delta of -64…63: every record Herald writes) is read as the Long it is.
//
// Its record batches' CRC-32C is computed a byte at a time (and made unsigned through a one-element
// Uint32Array per call); `crc32c` here reads 8 bytes a step (slicing-by-8), ~2.4x faster (1.0 against 2.4 µs per KB here), same value.
// kafkajs requires its CRC module lazily (with the produce request, at the first send), so the
// cached module's export is replaced before any batch is encoded; the patch refuses to apply if the
// record batch encoder was loaded already (it would keep the old function).
//
// Its record encoder builds, for every record, an array of header objects (Object.keys, flatMap), a
// new Encoder per header and an array of those, and sizes each header twice: a record with a trace
// context (`traceparent`) paid as much again as its body; and it starts each record's Encoder with a
// zero-filled 512-byte buffer, grown (copied) when the record is larger. `encodeRecord` writes the
// same bytes into one Encoder sized to fit (pooled, not zero-filled); like the CRC module, the record module is replaced before the produce request loads it.
//
// A consumer can also be given a drain (drainBeforeRebalance): kafkajs awaits it before the consumer
// joins its group (a rebalance, a restart after a crash) and before it leaves, so work the consumer
// handed on without waiting for it (the transactional pipe's open transaction) completes while the
// partitions are still this member's: the coordinator cannot give them to another member until it
// rejoins or its rebalance timeout runs out.
import { createRequire } from 'node:module';
import { PartitionAssigners, type PartitionAssigner } from 'kafkajs';

/** kafkajs's own CommonJS modules, as kafkajs loads them (the patches change those instances). */
const require = createRequire(import.meta.url);

interface RequestQueueLike {
  pending: unknown[];
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  destroy(): void;
  isConnected(): boolean;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
}

/** How often each connection looks for requests past their timeout. */
export const REQUEST_TIMEOUT_CHECK_MS = 1_000;

const PATCHED = Symbol.for('herald.kafkajs.requestQueuePatched');

/** Applies the patches (idempotent); returns the patched prototype for tests. */
export function patchKafkajsRequestQueue(): RequestQueueLike {
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueLike & { [PATCHED]?: true } };
  const proto = RequestQueue.prototype;
  if (proto[PATCHED]) return proto;
  if (typeof proto.scheduleCheckPendingRequests !== 'function' || typeof proto.scheduleRequestTimeoutCheck !== 'function') {
    throw new Error('kafkajs RequestQueue changed shape: review libs/kafka/kafkajs-patches.ts against the installed kafkajs');
  }

  const scheduleCheck = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueLike) {
    if (this.pending.length === 0) return;
    scheduleCheck.call(this);
  };

  proto.scheduleRequestTimeoutCheck = function (this: RequestQueueLike) {
    if (!this.enforceRequestTimeout) return;
    this.destroy();
    this.requestTimeoutIntervalId = setInterval(
      () => {
        const now = Date.now();
        for (const request of this.inflight.values()) {
          if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
        }
        if (!this.isConnected()) this.destroy();
      },
      Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_MS),
    );
  };

  proto[PATCHED] = true;
  return proto;
}

interface ConsumerGroupLike {
  cluster: object;
  groupId: string;
  memberId: string | null;
  leave(): Promise<void>;
}

/** The member id each consumer (by its cluster object, one per kafkajs consumer) last joined with. */
const lastMember = new WeakMap<object, { groupId: string; memberId: string }>();

/** Each consumer's drain (by its cluster object), awaited before it joins or leaves its group. */
const drains = new WeakMap<object, () => Promise<void>>();

/**
 * The partition assigner (kafkajs's round robin) to give a consumer whose `drain` must complete
 * before it joins its group again or leaves it; kafkajs hands assigners the consumer's cluster, which
 * identifies the consumer to the patched join and leave. `drain` must not reject.
 */
export function drainBeforeRebalance(drain: () => Promise<void>): PartitionAssigner {
  return (ctx) => {
    drains.set(ctx.cluster, drain);
    return PartitionAssigners.roundRobin(ctx);
  };
}

/** Applies the patch (idempotent); returns the patched prototype for tests. */
export function patchKafkajsRejoin(): ConsumerGroupLike {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: ConsumerGroupLike & { [PATCHED]?: true } & Record<symbol, unknown> };
  const proto = ConsumerGroup.prototype;
  if (proto[PATCHED]) return proto;
  const join = Object.getOwnPropertySymbols(proto).find((sym) => sym.description === 'private:ConsumerGroup:join');
  const joinFn = join === undefined ? undefined : proto[join];
  if (join === undefined || typeof joinFn !== 'function' || typeof proto.leave !== 'function') {
    throw new Error('kafkajs ConsumerGroup changed shape: review libs/kafka/kafkajs-patches.ts against the installed kafkajs');
  }
  proto[join] = async function (this: ConsumerGroupLike) {
    await drains.get(this.cluster)?.();
    const last = lastMember.get(this.cluster);
    // Kept across several restarts (a cluster bounce can crash a consumer more than once before it
    // joins), until a join succeeds with a new id or the coordinator says it no longer knows it.
    if (this.memberId === null && last?.groupId === this.groupId) this.memberId = last.memberId;
    try {
      await (joinFn as () => Promise<void>).call(this);
    } catch (err) {
      // kafkajs clears its member id on this answer and joins again: as a new member, then.
      if ((err as { type?: string }).type === 'UNKNOWN_MEMBER_ID') lastMember.delete(this.cluster);
      throw err;
    }
    if (this.memberId) lastMember.set(this.cluster, { groupId: this.groupId, memberId: this.memberId });
  };
  const leave = proto.leave;
  proto.leave = async function (this: ConsumerGroupLike) {
    await drains.get(this.cluster)?.();
    await leave.call(this);
    lastMember.delete(this.cluster);
  };
  proto[PATCHED] = true;
  return proto;
}

interface EncoderLike {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
  writeUVarInt(value: number): EncoderLike;
  writeVarLong(value: unknown): EncoderLike;
}

/** A varlong that fits 30 bits: its zigzag encoding is the 32-bit one. */
const smallLong = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 30) && value < 2 ** 30;

/** Applies the patch (idempotent); returns the patched prototype for tests. */
export function patchKafkajsEncoder(): EncoderLike {
  const Encoder = require('kafkajs/src/protocol/encoder.js') as {
    prototype: EncoderLike & { [PATCHED]?: true };
    nextPowerOfTwo(n: number): number;
    sizeOfVarInt(value: number): number;
    sizeOfVarLong(value: unknown): number;
  };
  const proto = Encoder.prototype;
  if (proto[PATCHED]) return proto;
  const { writeVarLong } = proto;
  const sizeOfVarLong = Encoder.sizeOfVarLong;
  if (typeof proto.ensureAvailable !== 'function' || typeof proto.writeUVarInt !== 'function' || typeof writeVarLong !== 'function' || typeof sizeOfVarLong !== 'function' || typeof Encoder.nextPowerOfTwo !== 'function' || typeof Encoder.sizeOfVarInt !== 'function') {
    throw new Error('kafkajs Encoder changed shape: review libs/kafka/kafkajs-patches.ts against the installed kafkajs');
  }
  proto.ensureAvailable = function (this: EncoderLike, length: number) {
    if (this.offset + length <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  };
  proto.writeUVarInt = function (this: EncoderLike, value: number) {
    this.ensureAvailable(5);
    let v = value;
    while ((v & 0xffffff80) !== 0) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.offset++] = v & 0x7f;
    return this;
  };
  proto.writeVarLong = function (this: EncoderLike, value: unknown) {
    return smallLong(value) ? this.writeUVarInt(((value << 1) ^ (value >> 31)) >>> 0) : writeVarLong.call(this, value);
  };
  Encoder.sizeOfVarLong = (value: unknown) => (smallLong(value) ? Encoder.sizeOfVarInt(value) : sizeOfVarLong.call(Encoder, value));
  proto[PATCHED] = true;
  return proto;
}

/** The CRC-32C (Castagnoli) lookup tables for slicing-by-8: T[k][b] = CRC of byte b followed by k zero bytes. */
const CRC_TABLES = (() => {
  const t = Array.from({ length: 8 }, () => new Int32Array(256));
  const t0 = t[0] as Int32Array;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t0[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    const prev = t[k - 1] as Int32Array;
    const cur = t[k] as Int32Array;
    for (let n = 0; n < 256; n++) cur[n] = ((prev[n] as number) >>> 8) ^ (t0[(prev[n] as number) & 0xff] as number);
  }
  return t;
})();

const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];

/** CRC-32C of `buf`, unsigned, as Kafka's record batches carry it. */
export function crc32c(buf: Uint8Array): number {
  let crc = -1;
  let i = 0;
  const n = buf.length;
  for (; n - i >= 8; i += 8) {
    const a = crc ^ ((buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24));
    crc =
      (t7[a & 0xff] as number) ^
      (t6[(a >>> 8) & 0xff] as number) ^
      (t5[(a >>> 16) & 0xff] as number) ^
      (t4[a >>> 24] as number) ^
      (t3[buf[i + 4] as number] as number) ^
      (t2[buf[i + 5] as number] as number) ^
      (t1[buf[i + 6] as number] as number) ^
      (t0[buf[i + 7] as number] as number);
  }
  for (; i < n; i++) crc = (t0[(crc ^ (buf[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

interface DecoderLike {
  buffer: Buffer;
  offset: number;
  readVarLong(): unknown;
}

/** Applies the patch (idempotent); returns the patched prototype for tests. */
export function patchKafkajsDecoder(): DecoderLike {
  const Decoder = require('kafkajs/src/protocol/decoder.js') as { prototype: DecoderLike & { [PATCHED]?: true } };
  const Long = require('kafkajs/src/utils/long.js') as { fromInt(n: number): unknown };
  const proto = Decoder.prototype;
  if (proto[PATCHED]) return proto;
  const { readVarLong } = proto;
  if (typeof readVarLong !== 'function' || typeof Long.fromInt !== 'function') {
    throw new Error('kafkajs Decoder changed shape: review libs/kafka/kafkajs-patches.ts against the installed kafkajs');
  }
  proto.readVarLong = function (this: DecoderLike) {
    const byte = this.buffer[this.offset];
    if (byte === undefined || byte >= 0x80) return readVarLong.call(this);
    this.offset++;
    return Long.fromInt((byte >>> 1) ^ -(byte & 1));
  };
  proto[PATCHED] = true;
  return proto;
}

/** Applies the patch (idempotent); returns kafkajs's original function for tests. */
export function patchKafkajsCrc32c(): (buf: Buffer) => number {
  const path = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js');
  const original = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (buf: Buffer) => number;
  const cached = require.cache[path];
  if (cached?.exports === crc32c) return original;
  if (require.cache[require.resolve('kafkajs/src/protocol/recordBatch/v0/index.js')]) {
    throw new Error('kafkajs record batches were loaded before libs/kafka patched their CRC: import @herald/kafka first');
  }
  require(path);
  const mod = require.cache[path];
  if (!mod) throw new Error('kafkajs CRC-32C module not found: review libs/kafka/kafkajs-patches.ts against the installed kafkajs');
  mod.exports = crc32c;
  return original;
}

interface RecordEncoder {
  readonly buffer: Buffer;
  buf: Buffer;
  writeVarInt(v: number): RecordEncoder;
  writeInt8(v: number): RecordEncoder;
  writeVarLong(v: unknown): RecordEncoder;
  writeVarIntBytes(v: unknown): RecordEncoder;
  writeVarIntString(v: string): RecordEncoder;
}
interface RecordEncoderClass {
  new (initialSize?: number): RecordEncoder;
  sizeOfVarInt(v: number): number;
  sizeOfVarLong(v: unknown): number;
  sizeOfVarIntBytes(v: unknown): number;
}
type HeaderValue = Buffer | string;
export interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: unknown;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
}

const ProtocolEncoder = require('kafkajs/src/protocol/encoder.js') as RecordEncoderClass;

/** One header's encoded size (Buffer.byteLength throws on what kafkajs's own sizing throws on). */
function headerSize(name: string, value: HeaderValue): number {
  const k = Buffer.byteLength(name);
  const v = Buffer.byteLength(value);
  return ProtocolEncoder.sizeOfVarInt(k) + k + ProtocolEncoder.sizeOfVarInt(v) + v;
}

/** A v2 record (Length, Attributes, TimestampDelta, OffsetDelta, Key, Value, Headers), as kafkajs's record/v0 encodes it. */
export function encodeRecord({ offsetDelta = 0, timestampDelta = 0, key, value, headers }: RecordInput): RecordEncoder {
  let count = 0;
  let headersSize = 0;
  for (const name in headers) {
    const v = headers[name] as HeaderValue | HeaderValue[];
    if (Array.isArray(v)) {
      for (const item of v) headersSize += headerSize(name, item);
      count += v.length;
    } else {
      headersSize += headerSize(name, v);
      count++;
    }
  }
  const sizeOfBody =
    1 +
    ProtocolEncoder.sizeOfVarLong(timestampDelta) +
    ProtocolEncoder.sizeOfVarInt(offsetDelta) +
    ProtocolEncoder.sizeOfVarIntBytes(key) +
    ProtocolEncoder.sizeOfVarIntBytes(value) +
    ProtocolEncoder.sizeOfVarInt(count) +
    headersSize;
  // Sized to fit (kafkajs starts every record with a zero-filled 512-byte buffer and grows it).
  const e = new ProtocolEncoder(0);
  e.buf = Buffer.allocUnsafe(ProtocolEncoder.sizeOfVarInt(sizeOfBody) + sizeOfBody);
  e.writeVarInt(sizeOfBody).writeInt8(0).writeVarLong(timestampDelta).writeVarInt(offsetDelta).writeVarIntBytes(key).writeVarIntBytes(value).writeVarInt(count);
  for (const name in headers) {
    const v = headers[name] as HeaderValue | HeaderValue[];
    if (Array.isArray(v)) for (const item of v) e.writeVarIntString(name).writeVarIntBytes(item);
    else e.writeVarIntString(name).writeVarIntBytes(v);
  }
  return e;
}

/** Applies the patch (idempotent); returns kafkajs's original record encoder for tests. */
export function patchKafkajsRecord(): (r: RecordInput) => RecordEncoder {
  const path = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  require(path);
  const mod = require.cache[path] as NodeJS.Module & { original?: (r: RecordInput) => RecordEncoder };
  if (mod.exports === encodeRecord) return mod.original as (r: RecordInput) => RecordEncoder;
  if (require.cache[require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js')]) {
    throw new Error('kafkajs produce requests were loaded before libs/kafka patched their record encoder: import @herald/kafka first');
  }
  mod.original = mod.exports as (r: RecordInput) => RecordEncoder;
  mod.exports = encodeRecord;
  return mod.original;
}

patchKafkajsRequestQueue();
patchKafkajsRejoin();
patchKafkajsEncoder();
patchKafkajsDecoder();
patchKafkajsCrc32c();
patchKafkajsRecord();
