// Multinomial logistic regression (softmax) over character n-grams, which suit Chinese where
// words have no spaces. Trained by stochastic gradient descent with L2 regularisation.
// Discriminative, unlike naive Bayes (worse on the corpus, docs/understanding.md):
// it learns that 「安全账户」 in 「公安机关没有安全账户」 is a warning, from the words around it.
// Deterministic: the training order comes from a fixed-seed shuffle. Training (`trainSoftmax`,
// plain data out) is apart from predicting (`SoftmaxRegression`) so that a worker thread can
// train and the serving thread keep only the weights, not the training's garbage.

export interface LabelledText { text: string; label: string }

/** Every run of n characters, for each n in sizes (code points, so 「账户」 is two). */
export function ngrams(text: string, sizes: readonly number[]): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (const n of sizes) {
    for (let i = 0; i + n <= chars.length; i += 1) out.push(chars.slice(i, i + n).join(''));
  }
  return out;
}

export interface LogisticOptions {
  epochs: number;
  /**
   * Weigh each example by 1 / (its label's share × labels): every label counts as much as the
   * others however many examples it has, as when a corpus's balance says nothing of real life.
   */
  balanced?: boolean;
  learningRate: number;
  l2: number;
}

export type Features = Map<string, number>;

/** A text as its distinct n-grams, each weighted 1/√count so long texts do not shout. */
export function ngramFeatures(text: string, sizes: readonly number[]): Features {
  const grams = new Set(ngrams(text, sizes));
  const w = 1 / Math.sqrt(Math.max(1, grams.size));
  return new Map([...grams].map((g) => [g, w]));
}

/** A small linear congruential generator: the same shuffle on every machine. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * A trained model as plain data: what a worker thread posts back, its two arrays transferred
 * rather than copied (`softmaxTransferList`).
 */
export interface SoftmaxWeights {
  /** The labels, sorted. */
  labels: string[];
  /** The features kept, in row order: feature `features[i]` owns row i of `weights`. */
  features: string[];
  /** One row of `labels.length` weights per feature, flat. */
  weights: Float32Array;
  bias: Float64Array;
}

/** The buffers a `postMessage` of these weights moves instead of copying; each is the array's own. */
export function softmaxTransferList(w: SoftmaxWeights): ArrayBuffer[] {
  return [w.weights.buffer as ArrayBuffer, w.bias.buffer as ArrayBuffer];
}

/** Whether a value that crossed a thread boundary has the shape of `SoftmaxWeights`. */
export function isSoftmaxWeights(x: unknown): x is SoftmaxWeights {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Partial<Record<keyof SoftmaxWeights, unknown>>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return strings(w.labels) && strings(w.features) && w.weights instanceof Float32Array && w.bias instanceof Float64Array
    && w.bias.length === w.labels.length && w.weights.length === w.features.length * w.labels.length;
}

/**
 * Trains a model: pure computation, so it gives the same weights in any thread. Features seen in
 * fewer than two training texts are left out: they cannot generalise.
 */
export function trainSoftmax(docs: readonly LabelledText[], featurize: (text: string) => Features, options: LogisticOptions): SoftmaxWeights {
  const labels = [...new Set(docs.map((d) => d.label))].sort();
  const k = labels.length;
  const bias = new Float64Array(k);
  const index = new Map(labels.map((l, i) => [l, i]));
  const featured = docs.map((d) => ({ x: featurize(d.text), y: index.get(d.label) as number }));

  const seen = new Map<string, number>();
  for (const { x } of featured) for (const g of x.keys()) seen.set(g, (seen.get(g) ?? 0) + 1);
  const ids = new Map<string, number>();
  for (const [g, n] of seen) if (n >= 2) ids.set(g, ids.size);
  const weights = new Float64Array(ids.size * k);

  const perLabel = new Float64Array(k);
  for (const { y } of featured) perLabel[y] = (perLabel[y] as number) + 1;
  const examples = featured.map(({ x, y }) => {
    const kept = [...x].filter(([g]) => ids.has(g));
    return {
      rows: Int32Array.from(kept, ([g]) => (ids.get(g) as number) * k),
      values: Float64Array.from(kept, ([, v]) => v),
      y,
      w: options.balanced ? docs.length / (k * (perLabel[y] as number)) : 1,
    };
  });

  const z = new Float64Array(k);
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    const rate = options.learningRate / (1 + epoch * 0.1);
    const decay = 1 - rate * options.l2;
    for (const { rows, values, y, w } of shuffled(examples, 7919 + epoch)) {
      softmax(bias, weights, rows, values, z);
      z[y] = (z[y] as number) - 1;
      for (let c = 0; c < k; c += 1) {
        z[c] = (z[c] as number) * w * rate;
        bias[c] = (bias[c] as number) - (z[c] as number);
      }
      for (let j = 0; j < rows.length; j += 1) {
        const row = rows[j] as number;
        const v = values[j] as number;
        for (let c = 0; c < k; c += 1) weights[row + c] = (weights[row + c] as number) * decay - (z[c] as number) * v;
      }
    }
  }
  return { labels, features: [...ids.keys()], weights: Float32Array.from(weights), bias };
}

/** The predictor of trained weights: what the serving process keeps. */
export class SoftmaxRegression {
  readonly labels: readonly string[];
  /** Feature → its row in `weights`. */
  private readonly ids: Map<string, number>;
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;

  constructor(trained: SoftmaxWeights, private readonly featurize: (text: string) => Features) {
    this.labels = trained.labels;
    this.ids = new Map(trained.features.map((g, i) => [g, i]));
    this.weights = trained.weights;
    this.bias = trained.bias;
  }

  /** Trains in this thread and keeps the predictor. */
  static train(docs: readonly LabelledText[], featurize: (text: string) => Features, options: LogisticOptions): SoftmaxRegression {
    return new SoftmaxRegression(trainSoftmax(docs, featurize, options), featurize);
  }

  /** Probabilities per label, in `labels` order, for features already made by the featurizer. */
  probabilities(x: Features): Float64Array {
    const rows: number[] = [];
    const values: number[] = [];
    for (const [g, v] of x) {
      const id = this.ids.get(g);
      if (id === undefined) continue;
      rows.push(id * this.labels.length);
      values.push(v);
    }
    const z = new Float64Array(this.labels.length);
    softmax(this.bias, this.weights, rows, values, z);
    return z;
  }

  /** Probabilities per label, in `labels` order. */
  predict(text: string): Float64Array {
    return this.probabilities(this.featurize(text));
  }
}

/** out = softmax(bias + Σ weights[row…] × value), computed in place. */
function softmax(
  bias: Float64Array, weights: Float64Array | Float32Array, rows: ArrayLike<number>, values: ArrayLike<number>, out: Float64Array,
): void {
  const k = bias.length;
  out.set(bias);
  for (let j = 0; j < rows.length; j += 1) {
    const row = rows[j] as number;
    const v = values[j] as number;
    for (let c = 0; c < k; c += 1) out[c] = (out[c] as number) + (weights[row + c] as number) * v;
  }
  let max = -Infinity;
  for (let c = 0; c < k; c += 1) max = Math.max(max, out[c] as number);
  let sum = 0;
  for (let c = 0; c < k; c += 1) {
    out[c] = Math.exp((out[c] as number) - max);
    sum += out[c] as number;
  }
  for (let c = 0; c < k; c += 1) out[c] = (out[c] as number) / sum;
}
