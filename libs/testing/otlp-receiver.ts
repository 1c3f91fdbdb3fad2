import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as an OTLP/HTTP exporter sent it (ids as hex, attributes as plain values). */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (spans are POSTed to /v1/traces). */
  url: string;
  spans: ReceivedSpan[];
  /** Export requests received (also those dropped with `drop`). */
  requests(): number;
  close(): Promise<void>;
}

/**
 * A small OTLP/HTTP traces receiver on 127.0.0.1 (tests and benchmarks): decodes each protobuf ExportTraceServiceRequest
 * (opentelemetry-proto's trace/v1 and collector/trace/v1 messages, read field by field) and keeps
 * its spans; with `drop`, it accepts and discards them (for benchmarks).
 */
export async function startOtlpReceiver(opts: { drop?: boolean } = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (req.method !== 'POST' || req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/x-protobuf') {
        res.writeHead(400).end();
        return;
      }
      if (!opts.drop) {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        spans.push(...decodeExportRequest(body));
      }
      // An empty ExportTraceServiceResponse: everything accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type Field = { no: number; wire: number; value: bigint | Buffer };

/** The fields of one protobuf message, in order (varint, fixed64, length-delimited, fixed32). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++];
      if (b === undefined) throw new Error('truncated varint');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 1) {
      out.push({ no, wire, value: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const bytes = (f: Field) => f.value as Buffer;
const each = (buf: Buffer, no: number) => fields(buf).filter((f) => f.no === no && f.wire === 2).map(bytes);

/** AnyValue: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7. */
function anyValue(buf: Buffer): unknown {
  const [f] = fields(buf);
  if (!f) return undefined;
  switch (f.no) {
    case 1:
      return bytes(f).toString('utf8');
    case 2:
      return f.value === 1n;
    case 3:
      return Number(BigInt.asIntN(64, f.value as bigint));
    case 4:
      return bytes(f).readDoubleLE(0);
    case 5:
      return each(bytes(f), 1).map(anyValue);
    case 6:
      return keyValues(bytes(f), 1);
    default:
      return bytes(f);
  }
}

/** KeyValue (key 1, value 2) list under field `no`. */
function keyValues(buf: Buffer, no: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of each(buf, no)) {
    const fs = fields(kv);
    const key = fs.find((f) => f.no === 1);
    const value = fs.find((f) => f.no === 2);
    if (key) out[bytes(key).toString('utf8')] = value ? anyValue(bytes(value)) : undefined;
  }
  return out;
}

/**
 * ExportTraceServiceRequest: resource_spans 1 → ResourceSpans (resource 1 → attributes 1;
 * scope_spans 2 → ScopeSpans (spans 2 → Span: trace_id 1, span_id 2, parent_span_id 4, name 5,
 * kind 6, attributes 9, status 15 → code 3)).
 */
export function decodeExportRequest(buf: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of each(buf, 1)) {
    const [resource] = each(rs, 1);
    const service = String((resource ? keyValues(resource, 1) : {})['service.name'] ?? '');
    for (const ss of each(rs, 2)) {
      for (const s of each(ss, 2)) {
        const fs = fields(s);
        const hex = (no: number) => {
          const f = fs.find((x) => x.no === no);
          return f ? bytes(f).toString('hex') : '';
        };
        const name = fs.find((f) => f.no === 5);
        const kind = fs.find((f) => f.no === 6);
        const status = fs.find((f) => f.no === 15);
        const code = status ? fields(bytes(status)).find((f) => f.no === 3) : undefined;
        out.push({
          service,
          traceId: hex(1),
          spanId: hex(2),
          parentSpanId: hex(4),
          name: name ? bytes(name).toString('utf8') : '',
          kind: kind ? Number(kind.value) : 0,
          attributes: keyValues(s, 9),
          statusCode: code ? Number(code.value) : 0,
        });
      }
    }
  }
  return out;
}
