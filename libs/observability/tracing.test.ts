import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { contextFromHeaders, traceHeaders } from './trace-context.js';
import { activeTracer, startTracing, tracingSettings } from './tracing.js';

test('off by default: no endpoint, OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none', async () => {
  assert.equal(tracingSettings({}, 'svc'), undefined);
  assert.equal(tracingSettings({ OTEL_TRACES_SAMPLER: 'always_on' }, 'svc'), undefined);
  assert.equal(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }, 'svc'), undefined);
  assert.equal(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }, 'svc'), undefined);
  const off = await startTracing({ service: 'svc', env: {} });
  assert.equal(off.enabled, false);
  assert.equal(activeTracer(), undefined);
  await off.shutdown();
});

test('the standard variables: endpoint + /v1/traces, the signal endpoint as is, sampler, ratio, service name', () => {
  assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'herald-router'), {
    tracesUrl: 'http://collector:4318/v1/traces',
    sampler: 'parentbased_always_on',
    ratio: 1,
    serviceName: 'herald-router',
  });
  assert.deepEqual(
    tracingSettings(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/custom/traces',
        OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
        OTEL_SERVICE_NAME: 'router-eu',
        OTEL_SDK_DISABLED: 'false',
      },
      'herald-router',
    ),
    { tracesUrl: 'https://collector/custom/traces', sampler: 'parentbased_traceidratio', ratio: 0.1, serviceName: 'router-eu' },
  );
});

test('bad values are refused, every one at once', () => {
  assert.throws(
    () =>
      tracingSettings(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_SAMPLER_ARG: '10', OTEL_SDK_DISABLED: 'yes', OTEL_TRACES_EXPORTER: 'zipkin' },
        'svc',
      ),
    (err: Error) => ['OTEL_SDK_DISABLED', 'OTEL_TRACES_EXPORTER', 'OTLP endpoint', 'OTEL_TRACES_SAMPLER:', 'OTEL_TRACES_SAMPLER_ARG'].every((s) => err.message.includes(s)),
  );
});

test('trace context travels in message headers as W3C traceparent (string or bytes)', () => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  try {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const ctx = contextFromHeaders({ traceparent: Buffer.from(traceparent), other: 'x' });
    const parent = trace.getSpanContext(ctx);
    assert.equal(parent?.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(parent?.spanId, 'b7ad6b7169203331');
    assert.equal(parent?.isRemote, true);
    // A span under it (here the remote one itself, wrapped) is written back as the same header.
    assert.deepEqual(traceHeaders(trace.wrapSpanContext(parent!)), { traceparent });
    assert.equal(trace.getSpanContext(contextFromHeaders({})), undefined);
    assert.equal(trace.getSpanContext(contextFromHeaders(undefined)), undefined);
  } finally {
    propagation.disable();
  }
});
