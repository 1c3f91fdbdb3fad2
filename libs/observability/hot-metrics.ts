import type { Registry } from 'prom-client';

/**
 * Prometheus metrics for per-delivery hot paths. prom-client hashes a child's labels on every
 * `observe` and `inc` (about 0.4 µs each, three times per delivery); a child here is a plain
 * object whose update is a few additions. They register in a prom-client registry and are exposed
 * exactly as prom-client's Histogram and Counter expose the same observations (tested), so
 * /metrics, default labels and the JSON form are unchanged.
 */
interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers?: Registry[];
}

type Labels<L extends string> = Record<L, string>;

/** prom-client's metric shape as its registry reads it. */
interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
  sharedLabels?: Record<string, string>;
  /** prom-client's: null on buckets, undefined on sum and count (exemplars off). */
  exemplar?: null | undefined;
}

/** One labelled series of a counter. */
class CounterSeries {
  value = 0;
  constructor(readonly labels: Record<string, string>) {}

  inc(by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) throw new Error(`It is not possible to decrease a counter or add a non-finite value: ${by}`);
    this.value += by;
  }
}

/** One labelled series of a histogram. */
class HistogramSeries {
  /** Per bucket (not cumulative); the last slot counts values above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

abstract class HotMetric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  protected series = new Map<string, S>();
  /** The one series of a metric without label names, there from the start (prom-client exposes it as 0). */
  private only: S | undefined;

  constructor(
    private readonly o: MetricOptions<L>,
    private readonly create: (labels: Record<string, string>) => S,
  ) {
    this.name = o.name;
    this.help = o.help;
    // The registry's Metric type is prom-client's class; it only calls what this class provides.
    for (const r of o.registers ?? []) r.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
    this.initUnlabelled();
  }

  protected initUnlabelled(): void {
    if (this.o.labelNames.length === 0) this.only = this.labels({} as Labels<L>);
  }

  /** The series for these labels: keep it (looking it up is the slow path). */
  labels(labels: Labels<L>): S {
    if (this.only) return this.only;
    for (const k of Object.keys(labels)) {
      if (!this.o.labelNames.includes(k as L)) throw new Error(`Added label "${k}" is not included in initial labelset: ${JSON.stringify(this.o.labelNames)}`);
    }
    const key = this.o.labelNames.map((n) => labels[n] ?? '').join('\u0000');
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = this.create({ ...labels })));
    return s;
  }

  /**
   * Forgets every series, as prom-client's reset does. Series obtained before keep counting but are
   * no longer exposed: Herald only resets in tests.
   */
  reset(): void {
    this.series.clear();
    this.only = undefined;
  }
}

export class HotHistogram<L extends string = string> extends HotMetric<L, HistogramSeries> {
  readonly type = 'histogram';
  private readonly bounds: number[];

  constructor(o: MetricOptions<L> & { buckets: readonly number[] }) {
    const bounds = [...o.buckets].sort((a, b) => a - b);
    super(o, (labels) => new HistogramSeries(labels, bounds));
    this.bounds = bounds;
  }

  /** `observe(value)` without label names, `observe(labels, value)` with. */
  observe(labelsOrValue: Labels<L> | number, value?: number): void {
    if (typeof labelsOrValue === 'number') this.labels({} as Labels<L>).observe(labelsOrValue);
    else this.labels(labelsOrValue).observe(value as number);
  }

  /** As prom-client's Histogram gives it to the text format: cumulative buckets, +Inf, sum, count. */
  getForPromString() {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: s.labels, value: acc, metricName: `${this.name}_bucket`, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_bucket`, exemplar: null },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count`, exemplar: undefined },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form: each value's labels with the series' labels merged in (prom-client's order). */
  get() {
    const data = this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })),
    };
  }
}

export class HotCounter<L extends string = string> extends HotMetric<L, CounterSeries> {
  readonly type = 'counter';

  constructor(o: MetricOptions<L>) {
    super(o, (labels) => new CounterSeries(labels));
  }

  /** As prom-client's: a counter without label names comes back at 0 (a histogram does not). */
  override reset(): void {
    super.reset();
    this.initUnlabelled();
  }

  /** `inc(by?)` without label names, `inc(labels, by?)` with. */
  inc(labelsOrBy?: Labels<L> | number, by = 1): void {
    if (labelsOrBy === undefined || typeof labelsOrBy === 'number') this.labels({} as Labels<L>).inc(labelsOrBy ?? 1);
    else this.labels(labelsOrBy).inc(by);
  }

  get() {
    const values: MetricValue[] = [...this.series.values()].map((s) => ({ value: s.value, labels: s.labels }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
