import { randomFillSync } from 'node:crypto';
import type { Span, SpanKind, Tracer } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { contextFromHeaders, type MessageHeaders } from './trace-context.js';

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** Trace context headers as they go on a Kafka message or an HTTP request (passed-on values stay the bytes they came as). */
export type TraceHeaders = Readonly<Record<string, Buffer | string>>;

/** What `MessageTraces.begin` gives: the span (only when it records) and the headers its outputs carry. */
export interface MessageTrace {
  /** The SDK span, present only when the message is sampled (then it records). */
  readonly span: Span | undefined;
  /** `traceparent` (and `tracestate`) for every output of the message, shared by all of them. */
  readonly headers: TraceHeaders;
}


/**
 * Ids for the SDK (`idGenerator` of the tracer provider) and for MessageTraces: random (from a
 * pooled crypto buffer), and a root span's trace id can be fixed beforehand (`pin`) so that the
 * SDK's span carries the id MessageTraces sampled.
 */
export class TraceIds implements IdGenerator {
  readonly #pool = Buffer.allocUnsafe(4_096);
  #at = this.#pool.length;
  #pinned: string | undefined;

  #hex(bytes: number, zero: string): string {
    for (;;) {
      if (this.#at + bytes > this.#pool.length) {
        randomFillSync(this.#pool);
        this.#at = 0;
      }
      const id = this.#pool.toString('hex', this.#at, (this.#at += bytes));
      if (id !== zero) return id; // all-zero ids are invalid (W3C)
    }
  }

  generateTraceId = (): string => {
    const pinned = this.#pinned;
    if (pinned === undefined) return this.#hex(16, ZERO_TRACE);
    this.#pinned = undefined;
    return pinned;
  };

  generateSpanId = (): string => this.#hex(8, ZERO_SPAN);

  /** The next root trace id the SDK asks for is `traceId`. */
  pin(traceId: string | undefined): void {
    this.#pinned = traceId;
  }
}

function allZero(buf: Buffer, from: number, bytes: number): boolean {
  for (let i = from; i < from + bytes; i++) if (buf[i] !== 0) return false;
  return true;
}

/** How MessageTraces samples: what startTracing configured the SDK's sampler with. */
export interface MessageSampling {
  /** A parent-based sampler (`parentbased_*`): a message's sampled parent decides. */
  parentBased: boolean;
  /**
   * New traces are sampled by trace id at this ratio, as the SDK's TraceIdRatioBasedSampler does
   * (1 for `always_on` roots, 0 for `always_off`).
   */
  rootRatio: number;
}

/**
 * Starts the trace of each consumed message for code that handles tens of thousands a second (the
 * router's events, the delivery services' attempts), and makes the unsampled ones nearly free: the
 * sampling decisions of the SDK's samplers, but a span object only for messages that are sampled.
 * An unsampled message gets no span, no id strings and no context objects, and its outputs carry
 * - with a parent-based sampler, the parent's own headers when its parent was not sampled (the
 *   message's `traceparent`/`tracestate`, passed on: nothing downstream records either);
 * - for a new trace, a `traceparent` with a fresh trace and span id and the sampled flag off, so
 *   that the services downstream decide alike (they do not start traces of their own).
 * A new trace is sampled as TraceIdRatioBasedSampler samples its id (the XOR of its four 32-bit
 * words below ratio × 2³²), decided from the random bytes; a sampled one is the SDK's span with that
 * trace id (TraceIds.pin). A sampled parent, or a sampler that is not parent-based, goes the SDK's
 * way (`startSpan`).
 */
export class MessageTraces {
  readonly #pool = Buffer.allocUnsafe(24 * 256);
  #at = this.#pool.length;
  readonly #upperBound: number;

  constructor(
    readonly tracer: Tracer,
    private readonly ids: TraceIds,
    private readonly sampling: MessageSampling,
  ) {
    const r = Math.min(1, Math.max(0, sampling.rootRatio));
    this.#upperBound = r === 1 ? 0x100000000 : Math.floor(r * 0xffffffff);
  }

  begin(name: string, kind: SpanKind, headers: MessageHeaders | undefined): MessageTrace {
    const incoming = headers?.['traceparent'];
    if (incoming === undefined) return this.#root(name, kind);
    const passed = this.sampling.parentBased ? unsampledParent(incoming) : undefined;
    if (!passed) return this.#sdk(name, kind, headers);
    const state = headers?.['tracestate'];
    return { span: undefined, headers: typeof state === 'string' || Buffer.isBuffer(state) ? { traceparent: passed, tracestate: asBuffer(state) } : { traceparent: passed } };
  }

  #root(name: string, kind: SpanKind): MessageTrace {
    const pool = this.#pool;
    let at: number;
    do {
      if (this.#at + 24 > pool.length) {
        randomFillSync(pool);
        this.#at = 0;
      }
      at = this.#at;
      this.#at += 24;
    } while (allZero(pool, at, 16) || allZero(pool, at + 16, 8)); // all-zero ids are invalid (W3C)
    const accumulated = (pool.readUInt32BE(at) ^ pool.readUInt32BE(at + 4) ^ pool.readUInt32BE(at + 8) ^ pool.readUInt32BE(at + 12)) >>> 0;
    if (accumulated < this.#upperBound) {
      this.ids.pin(pool.toString('hex', at, at + 16));
      try {
        return this.#sdk(name, kind, undefined);
      } finally {
        this.ids.pin(undefined);
      }
    }
    // A string, not a Buffer: a Buffer view per event cost the router more in GC than kafkajs saves
    // encoding bytes (bench:router at 0.1 % sampling, one round each: router CPU +5.5 → +3.7 µs/event).
    const hex = pool.toString('hex', at, at + 24);
    return { span: undefined, headers: { traceparent: `00-${hex.slice(0, 32)}-${hex.slice(32)}-00` } };
  }

  #sdk(name: string, kind: SpanKind, headers: MessageHeaders | undefined): MessageTrace {
    const span = this.tracer.startSpan(name, { kind }, contextFromHeaders(headers));
    const c = span.spanContext();
    const traceparent = Buffer.from(`00-${c.traceId}-${c.spanId}-0${(c.traceFlags & 1).toString()}`, 'latin1');
    const state = c.traceState?.serialize();
    return { span: span.isRecording() ? span : undefined, headers: state ? { traceparent, tracestate: Buffer.from(state) } : { traceparent } };
  }
}

function asBuffer(v: string | Buffer): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : v;
}

/** The value of a lowercase hex digit's character code, -1 for anything else. */
function hexValue(c: number): number {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
}

/** Whether bytes [from, to) are lowercase hex digits, not all zero. */
function nonZeroHex(b: Buffer, from: number, to: number): boolean {
  let any = 0;
  for (let i = from; i < to; i++) {
    const v = hexValue(b[i] as number);
    if (v < 0) return false;
    any |= v;
  }
  return any !== 0;
}

/**
 * The header itself (as bytes) when `value` is a version-00 W3C traceparent
 * (`00-<32 hex>-<16 hex>-<2 hex>`, ids not all zero) whose sampled flag is off; undefined otherwise
 * (sampled, another version, or not a traceparent the W3C propagator accepts: then the SDK's
 * extraction decides, as without this shortcut). Checked byte by byte, without a string.
 */
function unsampledParent(value: string | Buffer | (string | Buffer)[]): Buffer | undefined {
  if (Array.isArray(value)) return undefined;
  const b = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  if (b.length !== 55 || b[0] !== 0x30 || b[1] !== 0x30 || b[2] !== 0x2d || b[35] !== 0x2d || b[52] !== 0x2d) return undefined;
  if (!nonZeroHex(b, 3, 35) || !nonZeroHex(b, 36, 52)) return undefined;
  const hi = hexValue(b[53] as number);
  const lo = hexValue(b[54] as number);
  if (hi < 0 || lo < 0 || (lo & 1) === 1) return undefined;
  return b;
}
