import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagation, ROOT_CONTEXT, SamplingDecision, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { MessageTraces, TraceIds } from './message-traces.js';

// What startTracing sets: the SDK path extracts parents with it.
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/;

function setup(sampler: Sampler, parentBased: boolean, rootRatio: number) {
  const exporter = new InMemorySpanExporter();
  const ids = new TraceIds();
  const provider = new BasicTracerProvider({ sampler, idGenerator: ids, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const traces = new MessageTraces(provider.getTracer('test'), ids, { parentBased, rootRatio });
  return { exporter, traces };
}

function parse(h: Buffer | string | undefined) {
  const m = TRACEPARENT.exec(h === undefined ? '' : String(h));
  assert.ok(m, `traceparent ${String(h)}`);
  return { traceId: m[1]!, spanId: m[2]!, sampled: m[3] === '1' };
}

test('new traces: sampled as the SDK samples their trace id, a span only for those, a traceparent for every message', () => {
  const { exporter, traces } = setup(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }), true, 0.1);
  const reference = new TraceIdRatioBasedSampler(0.1);
  let sampled = 0;
  const seen = new Set<string>();
  for (let i = 0; i < 4_000; i++) {
    const t = traces.begin('process repository-events', SpanKind.CONSUMER, i % 2 === 0 ? {} : undefined);
    const h = parse(t.headers['traceparent']);
    assert.notEqual(h.traceId, '0'.repeat(32));
    assert.notEqual(h.spanId, '0'.repeat(16));
    assert.ok(!seen.has(h.traceId), 'a new trace id per message');
    seen.add(h.traceId);
    const expected = reference.shouldSample(ROOT_CONTEXT, h.traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
    assert.equal(h.sampled, expected, 'the ratio sampler’s decision for that trace id');
    assert.equal(t.span !== undefined, expected, 'a span exactly for the sampled ones');
    if (t.span) {
      sampled++;
      assert.equal(t.span.spanContext().traceId, h.traceId, 'the span carries the sampled trace id');
      assert.equal(t.span.spanContext().spanId, h.spanId);
      t.span.end();
    }
  }
  // 10 % of 4,000, well within binomial bounds (σ ≈ 19).
  assert.ok(sampled > 300 && sampled < 500, `sampled ${sampled}`);
  const spans = exporter.getFinishedSpans();
  assert.equal(spans.length, sampled);
  for (const s of spans) {
    assert.equal(s.kind, SpanKind.CONSUMER);
    assert.equal(s.parentSpanContext, undefined, 'a root span');
  }
});

test('an unsampled parent: its own headers are passed on, no span; a sampled one: a child span', () => {
  const { exporter, traces } = setup(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }), true, 0.1);
  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331';
  const unsampled = Buffer.from(`${parent}-00`);
  const t = traces.begin('process', SpanKind.CONSUMER, { traceparent: unsampled, tracestate: 'vendor=abc' });
  assert.equal(t.span, undefined);
  assert.equal(t.headers['traceparent'], unsampled, 'the same bytes, passed on');
  assert.equal(String(t.headers['tracestate']), 'vendor=abc');
  assert.equal(String(traces.begin('process', SpanKind.CONSUMER, { traceparent: `${parent}-00` }).headers['traceparent']), `${parent}-00`);

  const child = traces.begin('process', SpanKind.CONSUMER, { traceparent: Buffer.from(`${parent}-01`) });
  assert.ok(child.span, 'a sampled parent: recorded');
  const h = parse(child.headers['traceparent']);
  assert.equal(h.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(h.sampled, true);
  child.span.end();
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.parentSpanContext?.spanId, 'b7ad6b7169203331');
  assert.equal(span?.spanContext().spanId, h.spanId);
});

test('headers the W3C propagator refuses start a new trace, as the SDK does', () => {
  const { traces } = setup(new ParentBasedSampler({ root: new AlwaysOnSampler() }), true, 1);
  for (const bad of [
    'garbage',
    '00-00000000000000000000000000000000-b7ad6b7169203331-00',
    '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-00',
    'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-extra',
    '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-00',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333g-00',
    '00-0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331-00',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0x',
  ]) {
    const t = traces.begin('process', SpanKind.CONSUMER, { traceparent: Buffer.from(bad) });
    assert.ok(t.span, `${bad}: a new, sampled root`);
    assert.equal(t.span.spanContext().traceFlags & 1, 1);
    assert.equal(t.span.spanContext().traceId, parse(t.headers['traceparent']).traceId);
    assert.equal((t.span as unknown as { parentSpanContext?: unknown }).parentSpanContext, undefined, 'a root');
    t.span.end();
  }
});

test('a sampler that is not parent-based decides by the trace id even under an unsampled parent (the SDK path)', () => {
  const { traces } = setup(new TraceIdRatioBasedSampler(1), false, 1);
  const t = traces.begin('process', SpanKind.CONSUMER, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' });
  assert.ok(t.span, 'ratio 1 samples every trace id');
  assert.equal(parse(t.headers['traceparent']).traceId, '0af7651916cd43dd8448eb211c80319c');
  t.span.end();
});

test('TraceIds: random non-zero ids; a pinned trace id is used once', () => {
  const ids = new TraceIds();
  const a = new Set(Array.from({ length: 3_000 }, () => ids.generateTraceId()));
  assert.equal(a.size, 3_000);
  for (const id of a) assert.match(id, /^[0-9a-f]{32}$/);
  assert.match(ids.generateSpanId(), /^[0-9a-f]{16}$/);
  ids.pin('0af7651916cd43dd8448eb211c80319c');
  assert.equal(ids.generateTraceId(), '0af7651916cd43dd8448eb211c80319c');
  assert.notEqual(ids.generateTraceId(), '0af7651916cd43dd8448eb211c80319c');
});

test('always_off roots: no spans, every message an unsampled traceparent', () => {
  const { exporter, traces } = setup(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }), true, 0);
  for (let i = 0; i < 500; i++) {
    const t = traces.begin('process', SpanKind.CONSUMER, undefined);
    assert.equal(t.span, undefined);
    assert.equal(parse(t.headers['traceparent']).sampled, false);
  }
  assert.equal(exporter.getFinishedSpans().length, 0);
});
