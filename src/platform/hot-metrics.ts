// Counters and histograms for the per-request path, exposed through a prom-client Registry.
// prom-client validates and hashes the label object on every inc/observe, even through a
// `labels()` child; in the server that came to ~17 µs a request for a counter and a histogram.
// Here a label set's child is made once and found again by a Map lookup on its values; inc is an
// addition and observe a bucket search over a handful of bounds. The registry formats the output as it does
// for its own metrics (same names, label escaping, _bucket/_sum/_count series).
import type { Registry } from 'prom-client';

type Labels<L extends string> = Record<L, string>;

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: MetricValue[];
  aggregator: 'sum';
}

/** What prom-client's Registry needs of a metric to list it in /metrics. */
interface Exposable {
  name: string;
  get(): Promise<MetricSnapshot>;
}

function register(registry: Registry, metric: Exposable): void {
  // registerMetric is typed for prom-client's own classes; it only reads `name` and `get()`.
  (registry as unknown as { registerMetric(m: Exposable): void }).registerMetric(metric);
}

/**
 * The series of a metric, found by their label values: one Map level per label, in declaration
 * order, so that finding one builds no key string (a joined key cost a concatenation and a fresh
 * hash on each of the four calls a request makes).
 */
class SeriesIndex<L extends string, S> {
  private readonly root = new Map<string | undefined, unknown>();
  readonly all: S[] = [];

  constructor(private readonly names: readonly L[]) {}

  find(labels: Labels<L>): S | undefined {
    let level = this.root;
    const last = this.names.length - 1;
    for (let i = 0; i < last; i += 1) {
      const next = level.get(labels[this.names[i]!]) as Map<string | undefined, unknown> | undefined;
      if (next === undefined) return undefined;
      level = next;
    }
    return level.get(last < 0 ? '' : labels[this.names[last]!]) as S | undefined;
  }

  /** Adds a series for labels that find() did not know (already checked by pick()). */
  add(labels: Labels<L>, series: S): void {
    let level = this.root;
    const last = this.names.length - 1;
    for (let i = 0; i < last; i += 1) {
      const value = labels[this.names[i]!];
      let next = level.get(value) as Map<string | undefined, unknown> | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      level = next;
    }
    level.set(last < 0 ? '' : labels[this.names[last]!], series);
    this.all.push(series);
  }
}

/** Copies exactly the declared labels, in declaration order (also the output order). */
function pick<L extends string>(names: readonly L[], labels: Labels<L>): Labels<L> {
  const out = {} as Labels<L>;
  for (const n of names) {
    const v = labels[n];
    if (typeof v !== 'string') throw new TypeError(`label ${n} is missing`);
    out[n] = v;
  }
  return out;
}

export interface CounterChild {
  inc(by?: number): void;
}

interface CounterSeries<L extends string> {
  labels: Labels<L>;
  value: number;
  child: CounterChild;
}

export class HotCounter<L extends string> implements Exposable {
  readonly type = 'counter';
  private readonly series: SeriesIndex<L, CounterSeries<L>>;

  constructor(readonly name: string, readonly help: string, private readonly labelNames: readonly L[], registry: Registry) {
    this.series = new SeriesIndex(labelNames);
    register(registry, this);
  }

  /** The child for one label set (made once); inc() is an addition. */
  labels(labels: Labels<L>): CounterChild {
    const found = this.series.find(labels);
    if (found) return found.child;
    const series: CounterSeries<L> = {
      labels: pick(this.labelNames, labels),
      value: 0,
      child: { inc: (by = 1) => { series.value += by; } },
    };
    this.series.add(labels, series);
    return series.child;
  }

  inc(labels: Labels<L>, by = 1): void {
    this.labels(labels).inc(by);
  }

  async get(): Promise<MetricSnapshot> {
    return {
      name: this.name, help: this.help, type: 'counter', aggregator: 'sum',
      values: this.series.all.map((s) => ({ labels: s.labels, value: s.value })),
    };
  }
}

export interface HistogramChild {
  observe(value: number): void;
}

interface HistogramSeries<L extends string> {
  labels: Labels<L>;
  counts: Float64Array;
  sum: number;
  count: number;
  child: HistogramChild;
}

export class HotHistogram<L extends string> implements Exposable {
  readonly type = 'histogram';
  private readonly series: SeriesIndex<L, HistogramSeries<L>>;
  private readonly bounds: readonly number[];

  constructor(readonly name: string, readonly help: string, private readonly labelNames: readonly L[], buckets: readonly number[], registry: Registry) {
    this.series = new SeriesIndex(labelNames);
    this.bounds = [...buckets].sort((a, b) => a - b);
    register(registry, this);
  }

  /** The child for one label set (made once); observe() is a bucket search and three additions. */
  labels(labels: Labels<L>): HistogramChild {
    const found = this.series.find(labels);
    if (found) return found.child;
    const bounds = this.bounds;
    const series: HistogramSeries<L> = {
      labels: pick(this.labelNames, labels),
      counts: new Float64Array(bounds.length),
      sum: 0,
      count: 0,
      child: {
        observe(value) {
          if (!Number.isFinite(value)) return;
          series.sum += value;
          series.count += 1;
          // Non-cumulative here; made cumulative when read. Above the last bound: only +Inf.
          for (let i = 0; i < bounds.length; i += 1) {
            if (value <= bounds[i]!) {
              series.counts[i] = (series.counts[i] ?? 0) + 1;
              return;
            }
          }
        },
      },
    };
    this.series.add(labels, series);
    return series.child;
  }

  observe(labels: Labels<L>, value: number): void {
    this.labels(labels).observe(value);
  }

  async get(): Promise<MetricSnapshot> {
    const values: MetricValue[] = [];
    for (const s of this.series.all) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.counts[i]!;
        values.push({ labels: { le, ...s.labels }, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}
