import { trace, type Tracer } from '@opentelemetry/api';
import type { Logger } from '@herald/logger';
import { MessageTraces, TraceIds } from './message-traces.js';

/** Samplers of the OpenTelemetry environment specification that Herald accepts. */
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
type SamplerName = (typeof SAMPLERS)[number];

/** The standard variables tracingSettings reads (each tracing service's .env.example lists them). */
export const TRACING_ENV = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_SERVICE_NAME',
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
] as const;

/** What the standard `OTEL_*` variables ask for, when tracing is on. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL (`…/v1/traces`). */
  tracesUrl: string;
  sampler: SamplerName;
  /** The ratio of `traceidratio` samplers, 0…1. */
  ratio: number;
  serviceName: string;
}

/**
 * Reads the standard variables: tracing is on only when an OTLP endpoint is set
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`), and
 * neither `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` turns it off. `undefined` = off.
 * Bad values throw, every problem at once.
 */
export function tracingSettings(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingSettings | undefined {
  const problems: string[] = [];
  const get = (name: (typeof TRACING_ENV)[number]) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const disabled = get('OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') problems.push(`OTEL_SDK_DISABLED: expected true or false, got "${disabled}"`);
  const exporter = get('OTEL_TRACES_EXPORTER')?.toLowerCase() ?? 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none') problems.push(`OTEL_TRACES_EXPORTER: only otlp or none are supported, got "${exporter}"`);
  const signal = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = get('OTEL_EXPORTER_OTLP_ENDPOINT');
  const tracesUrl = signal ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (tracesUrl !== undefined && !/^https?:\/\/[^/]/.test(tracesUrl)) problems.push(`OTLP endpoint: expected an http(s) URL, got "${tracesUrl}"`);
  const sampler = (get('OTEL_TRACES_SAMPLER')?.toLowerCase() ?? 'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(sampler)) problems.push(`OTEL_TRACES_SAMPLER: expected one of ${SAMPLERS.join(', ')}, got "${sampler}"`);
  const arg = get('OTEL_TRACES_SAMPLER_ARG');
  const ratio = arg === undefined ? 1 : Number(arg);
  if (!(ratio >= 0 && ratio <= 1)) problems.push(`OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1, got "${arg}"`);
  if (problems.length > 0) throw new Error(`invalid tracing configuration:\n  - ${problems.join('\n  - ')}`);
  if (disabled === 'true' || exporter === 'none' || tracesUrl === undefined) return undefined;
  return { tracesUrl, sampler, ratio, serviceName: get('OTEL_SERVICE_NAME') ?? defaultServiceName };
}

/** A process's tracing: off (nothing loaded, nothing exported) or an SDK exporting over OTLP/HTTP. */
export interface Tracing {
  readonly enabled: boolean;
  /** Exports the spans still queued and stops exporting (never rejects); safe to call twice. */
  shutdown(): Promise<void>;
}

const TRACER_NAME = 'herald';
let active: Tracer | undefined;
let activeMessages: MessageTraces | undefined;

/**
 * The tracer of this process once startTracing turned tracing on, else undefined. Hot paths take
 * it once (at construction) and check it once per batch: with tracing off they do nothing else.
 */
export function activeTracer(): Tracer | undefined {
  return active;
}

/**
 * The process's MessageTraces (spans only for sampled messages) once startTracing turned tracing
 * on, else undefined: for the code that starts a trace per consumed message.
 */
export function activeMessageTraces(): MessageTraces | undefined {
  return activeMessages;
}

/**
 * Starts tracing for a service from the standard `OTEL_*` variables (tracingSettings). Off by
 * default: then no SDK module is loaded. On: W3C trace context propagation, the configured sampler,
 * batched OTLP/HTTP protobuf export (the exporter also reads `OTEL_EXPORTER_OTLP_HEADERS`,
 * `…_TIMEOUT`, `…_COMPRESSION`; the batch processor `OTEL_BSP_*`).
 *
 * `contextManager` registers the AsyncLocalStorage context manager, so that a span a caller makes
 * active (`context.with`) is the parent of what the publisher sends. Herald's services pass contexts
 * explicitly and leave it off: on Node 20 an AsyncLocalStorage that has run costs every promise of
 * the process (a loop of awaits here: 0.87–1.04 µs per iteration before, 1.09–1.42 after).
 */
export async function startTracing(opts: { service: string; version?: string; env?: NodeJS.ProcessEnv; logger?: Logger; contextManager?: boolean }): Promise<Tracing> {
  const settings = tracingSettings(opts.env ?? process.env, opts.service);
  if (!settings) return { enabled: false, shutdown: async () => undefined };
  const [api, core, hooks, sdk, exporterModule, resources, semconv] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    opts.contextManager ? import('@opentelemetry/context-async-hooks') : undefined,
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const ratio = new sdk.TraceIdRatioBasedSampler(settings.ratio);
  const root = { always_on: new sdk.AlwaysOnSampler(), always_off: new sdk.AlwaysOffSampler(), traceidratio: ratio };
  const sampler = settings.sampler.startsWith('parentbased_')
    ? new sdk.ParentBasedSampler({ root: root[settings.sampler.slice('parentbased_'.length) as keyof typeof root] })
    : root[settings.sampler as keyof typeof root];
  const ids = new TraceIds();
  const provider = new sdk.BasicTracerProvider({
    idGenerator: ids,
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({
        [semconv.ATTR_SERVICE_NAME]: settings.serviceName,
        ...(opts.version ? { [semconv.ATTR_SERVICE_VERSION]: opts.version } : {}),
      }),
    ),
    sampler,
    spanProcessors: [new sdk.BatchSpanProcessor(new exporterModule.OTLPTraceExporter({ url: settings.tracesUrl }))],
  });
  if (hooks) api.context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  active = trace.getTracer(TRACER_NAME, opts.version);
  const rootSampler = settings.sampler.replace('parentbased_', '');
  activeMessages = new MessageTraces(active, ids, { parentBased: settings.sampler.startsWith('parentbased_'), rootRatio: rootSampler === 'always_on' ? 1 : rootSampler === 'always_off' ? 0 : settings.ratio });
  opts.logger?.info({ tracesUrl: redactUrl(settings.tracesUrl), sampler: settings.sampler, ratio: settings.ratio, serviceName: settings.serviceName }, 'tracing on');
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown() {
      // A collector that does not answer costs the spans still queued, never the process's exit status.
      stopped ??= provider
        .shutdown()
        .catch((err: unknown) => opts.logger?.warn({ err }, 'tracing: spans still queued were not exported'))
        .then(() => {
          active = undefined;
          activeMessages = undefined;
        });
      return stopped;
    },
  };
}

/** The collector URL without credentials, for the log. */
function redactUrl(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString();
}
