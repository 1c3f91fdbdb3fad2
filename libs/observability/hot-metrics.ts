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

abstract class HotMetric<L extends string, C> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  protected children = new Map<string, C>();

  constructor(private readonly o: MetricOptions<L>) {
    this.name = o.name;
    this.help = o.help;
    // The registry's Metric type is prom-client's class; it only calls what this class provides.
    for (const r of o.registers ?? []) r.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** Without label names there is one child, there from the start (prom-client exposes it as 0). */
  protected initUnlabelled(create: (labels: Record<string, string>) => C): void {
    if (this.o.labelNames.length === 0) this.child({} as Labels<L>, create);
  }

  /** The child for these labels (cache it: this is the slow path). */
  protected child(labels: Labels<L>, create: (labels: Record<string, string>) => C): C {
    for (const k of Object.keys(labels)) {
      if (!this.o.labelNames.includes(k as L)) throw new Error(`Added label "${k}" is not included in initial labelset: ${JSON.stringify(this.o.labelNames)}`);
    }
    const key = this.o.labelNames.map((n) => labels[n] ?? '').join('\u0000');
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = create({ ...labels })));
    return c;
  }

  /**
   * Forgets every series, as prom-client's reset does (a counter without label names comes back at
   * 0). Children obtained before keep counting into series that are no longer exposed: Herald only
   * resets in tests.
   */
  reset(): void {
    this.children.clear();
  }
}

interface HistogramChild {
  labels: Record<string, string>;
  /** Per bucket (not cumulative); the last slot counts values above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class HotHistogram<L extends string = string> extends HotMetric<L, HistogramChild> {
  readonly type = 'histogram';
  private readonly bounds: number[];

  constructor(o: MetricOptions<L> & { buckets: readonly number[] }) {
    super(o);
    this.bounds = [...o.buckets].sort((a, b) => a - b);
    this.initUnlabelled(this.newChild);
  }

  private readonly newChild = (labels: Record<string, string>): HistogramChild => ({ labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 });

  labels(labels: Labels<L>): { observe(value: number): void } {
    const c = this.child(labels, this.newChild);
    const bounds = this.bounds;
    return {
      observe(value: number) {
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        let i = 0;
        while (i < bounds.length && value > (bounds[i] as number)) i++;
        c.counts[i] = (c.counts[i] as number) + 1;
        c.sum += value;
        c.count += 1;
      },
    };
  }

  /** `observe(value)` without label names, `observe(labels, value)` with. */
  observe(labelsOrValue: Labels<L> | number, value?: number): void {
    if (typeof labelsOrValue === 'number') this.labels({} as Labels<L>).observe(labelsOrValue);
    else this.labels(labelsOrValue).observe(value as number);
  }

  /** As prom-client's Histogram gives it to the text format: cumulative buckets, +Inf, sum, count. */
  getForPromString() {
    const values: MetricValue[] = [];
    for (const c of this.children.values()) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += c.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: c.labels, value: acc, metricName: `${this.name}_bucket`, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: c.labels, value: c.count, metricName: `${this.name}_bucket`, exemplar: null },
        { labels: {}, sharedLabels: c.labels, value: c.sum, metricName: `${this.name}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: c.labels, value: c.count, metricName: `${this.name}_count`, exemplar: undefined },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form: each value's labels with the child's labels merged in (prom-client's order). */
  get() {
    const data = this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })),
    };
  }
}

interface CounterChild {
  labels: Record<string, string>;
  value: number;
}

export class HotCounter<L extends string = string> extends HotMetric<L, CounterChild> {
  readonly type = 'counter';

  constructor(o: MetricOptions<L>) {
    super(o);
    this.initUnlabelled((l) => ({ labels: l, value: 0 }));
  }

  override reset(): void {
    super.reset();
    this.initUnlabelled((l) => ({ labels: l, value: 0 }));
  }

  labels(labels: Labels<L>): { inc(by?: number): void } {
    const c = this.child(labels, (l) => ({ labels: l, value: 0 }));
    return {
      inc(by = 1) {
        if (!(by >= 0) || !Number.isFinite(by)) throw new Error(`It is not possible to decrease a counter or add a non-finite value: ${by}`);
        c.value += by;
      },
    };
  }

  /** `inc(by?)` without label names, `inc(labels, by?)` with. */
  inc(labelsOrBy?: Labels<L> | number, by = 1): void {
    if (labelsOrBy === undefined || typeof labelsOrBy === 'number') this.labels({} as Labels<L>).inc(labelsOrBy ?? 1);
    else this.labels(labelsOrBy).inc(by);
  }

  get() {
    const values: MetricValue[] = [...this.children.values()].map((c) => ({ value: c.value, labels: c.labels }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
