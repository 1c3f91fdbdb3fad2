import { Producer as WireProducer, type MessageToProduce } from '@platformatic/kafka';
import { keyHash } from './partitioner.js';
import { tlsOptions } from './client.js';
import type { IHeaders } from 'kafkajs';
import type { KafkaConnection } from '@herald/config';
import type { Logger } from '@herald/logger';

/** One record to publish: a key (partitioned like the Java client and kafkajs), a value, headers. */
export interface OutgoingRecord {
  topic: string;
  key: string | Buffer | null;
  value: Buffer | null;
  /** Repeated values of a header keep the first (Herald never repeats a header). */
  headers?: IHeaders;
}

/** A record without its topic (what callers that pick the topic separately pass around). */
export type OutgoingMessage = Omit<OutgoingRecord, 'topic'>;

/**
 * An idempotent producer (acks = all) for high-volume, non-transactional records: each `send`
 * resolves once every record of it is durable. It is built on @platformatic/kafka, whose record
 * encoding costs about a third of kafkajs's CPU per record (measured with `npm run bench:webhook`);
 * consumers and transactions stay on kafkajs.
 */
export interface RecordProducer {
  /** Checks that the brokers answer and know `topics` (the producer connects lazily otherwise). */
  connect(topics: readonly string[]): Promise<void>;
  send(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** The brokers and their security (`kafkaConnection(config)`), and the producer's own settings. */
export interface RecordProducerOptions extends KafkaConnection {
  clientId: string;
  logger?: Logger;
  /** Per-request limit (default 30 s, as the kafkajs clients). */
  requestTimeoutMs?: number;
  /**
   * Limit on one whole `send`, retries included (default 20 s). A send that has not settled by
   * then is failed and the producer replaced: callers retry, and a send that never settles would
   * otherwise hold every later one behind it (the batching producer sends one batch at a time).
   */
  sendTimeoutMs?: number;
}

/** A send that did not settle within its limit. */
export class SendTimeoutError extends Error {
  readonly retriable = true;
  constructor(ms: number, records: number) {
    super(`record batch of ${records} not acknowledged within ${ms} ms`);
    this.name = 'SendTimeoutError';
  }
}

const headerNames = new Map<string, Buffer>();
function headerName(name: string | undefined): Buffer | undefined {
  if (name === undefined) return undefined;
  let b = headerNames.get(name);
  if (!b) {
    b = Buffer.from(name);
    if (headerNames.size < 1_000) headerNames.set(name, b);
  }
  return b;
}

function headersOf(headers: IHeaders | undefined): Record<string, Buffer> | undefined {
  if (!headers) return undefined;
  const out: Record<string, Buffer> = {};
  for (const name in headers) {
    const raw = headers[name];
    const v = Array.isArray(raw) ? raw[0] : raw;
    if (v !== undefined) out[name] = typeof v === 'string' ? Buffer.from(v) : v;
  }
  return out;
}

/**
 * @platformatic/kafka reports a failed connection as nested aggregates ("metadata failed 9 times" of
 * "Cannot connect to any broker" of "Connection to … failed"); the reason (a refused SASL login, an
 * untrusted certificate) is the innermost cause. The error names it, and keeps the original as cause.
 */
function explained(err: unknown): Error {
  const seen = new Set<unknown>();
  let root: unknown;
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const { errors, cause } = e as { errors?: unknown[]; cause?: unknown };
    if (cause === undefined && (!Array.isArray(errors) || errors.length === 0)) root ??= e;
    if (cause !== undefined) visit(cause);
    if (Array.isArray(errors)) for (const x of errors) visit(x);
  };
  visit(err);
  const message = (err as Error)?.message ?? String(err);
  const reason = (root as Error | undefined)?.message;
  if (!reason || reason === message) return err instanceof Error ? err : new Error(message);
  return new Error(`${message} (${reason})`, { cause: err });
}

/** @platformatic/kafka names the mechanisms as the protocol does. */
const SASL = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

export function createRecordProducer(opts: RecordProducerOptions): RecordProducer {
  const log = opts.logger?.child({ component: 'record-producer' });
  // Herald keys by notification uuid or repository, a few thousand keys sent over and over: each
  // key's bytes and partition hash are remembered. Records carry the hash as their partition.
  const keys = new Map<string, { bytes: Buffer; hash: number }>();
  const keyOf = (key: string): { bytes: Buffer; hash: number } => {
    let k = keys.get(key);
    if (!k) {
      if (keys.size >= 100_000) keys.clear();
      const bytes = Buffer.from(key);
      keys.set(key, (k = { bytes, hash: keyHash(bytes) }));
    }
    return k;
  };
  // Keyless records go round-robin.
  let next = 0;
  let wire: WireProducer<Buffer, Buffer, string, Buffer> | undefined;
  let closed = false;

  function producer(): WireProducer<Buffer, Buffer, string, Buffer> {
    if (closed) throw new Error('record producer is closed');
    if (!wire) {
      const p = new WireProducer<Buffer, Buffer, string, Buffer>({
        clientId: opts.clientId,
        bootstrapBrokers: opts.brokers,
        ...(opts.sasl ? { sasl: { mechanism: SASL[opts.sasl.mechanism], username: opts.sasl.username, password: opts.sasl.password } } : {}),
        ...(opts.tls ? { tls: tlsOptions(opts.tls) } : {}),
        idempotent: true,
        acks: -1,
        autocreateTopics: false,
        timeout: opts.requestTimeoutMs ?? 30_000,
        retries: 8,
        retryDelay: 250,
        serializers: { headerKey: headerName },
      });
      // A broken connection is reported to the requests it fails (and dropped from the pool); its
      // own 'error' events must not go unheard, or the second one would end the process.
      p.on('client:broker:connect', ({ connection }: { connection: NodeJS.EventEmitter }) => connection.on('error', () => undefined));
      wire = p;
    }
    return wire;
  }

  /** After a failed send the producer's sequence numbers are in doubt: the next send starts a new producer id. */
  function discard(): void {
    const p = wire;
    wire = undefined;
    p?.close(true, () => undefined);
  }

  return {
    async connect(topics) {
      try {
        await producer().metadata({ topics: [...topics] });
      } catch (err) {
        throw explained(err);
      }
    },
    async send(records) {
      if (records.length === 0) return;
      const messages: MessageToProduce<Buffer, Buffer, string, Buffer>[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const r = records[i] as OutgoingRecord;
        const headers = headersOf(r.headers);
        const message: MessageToProduce<Buffer, Buffer, string, Buffer> = { topic: r.topic, value: r.value as Buffer, ...(headers ? { headers } : {}) };
        if (typeof r.key === 'string') {
          const k = keyOf(r.key);
          message.key = k.bytes;
          message.partition = k.hash;
        } else if (r.key) {
          message.key = r.key;
          message.partition = keyHash(r.key);
        } else {
          message.partition = next++ & 0x7fffffff;
        }
        messages[i] = message;
      }
      const limitMs = opts.sendTimeoutMs ?? 20_000;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          producer().send({ messages }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new SendTimeoutError(limitMs, records.length)), limitMs);
          }),
        ]);
      } catch (err) {
        log?.warn({ err, records: records.length }, 'record batch failed; the next one uses a new producer id');
        discard();
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      const p = wire;
      wire = undefined;
      await p?.close();
    },
  };
}
