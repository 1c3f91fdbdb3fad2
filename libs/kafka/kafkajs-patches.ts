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
// `allocUnsafe` (pooled when small) and copying the written part gives the same bytes for less: at a
// few thousand jobs a second this was ~10 % of the router's CPU.
//
// A consumer can also be given a drain (drainBeforeRebalance): kafkajs awaits it before the consumer
// joins its group (a rebalance, a restart after a crash) and before it leaves, so work the consumer
// handed on without waiting for it (the transactional pipe's open transaction) completes while the
// partitions are still this member's: the coordinator cannot give them to another member until it
// rejoins or its rebalance timeout runs out.
import { createRequire } from 'node:module';
import { PartitionAssigners, type PartitionAssigner } from 'kafkajs';

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
  const require = createRequire(import.meta.url);
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
  const require = createRequire(import.meta.url);
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
}

/** Applies the patch (idempotent); returns the patched prototype for tests. */
export function patchKafkajsEncoder(): EncoderLike {
  const require = createRequire(import.meta.url);
  const Encoder = require('kafkajs/src/protocol/encoder.js') as { prototype: EncoderLike & { [PATCHED]?: true }; nextPowerOfTwo(n: number): number };
  const proto = Encoder.prototype;
  if (proto[PATCHED]) return proto;
  if (typeof proto.ensureAvailable !== 'function' || typeof Encoder.nextPowerOfTwo !== 'function') {
    throw new Error('kafkajs Encoder changed shape: review libs/kafka/kafkajs-patches.ts against the installed kafkajs');
  }
  proto.ensureAvailable = function (this: EncoderLike, length: number) {
    if (this.offset + length <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  };
  proto[PATCHED] = true;
  return proto;
}

patchKafkajsRequestQueue();
patchKafkajsRejoin();
patchKafkajsEncoder();
