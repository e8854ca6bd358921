// 鉴诈: one verdict from the rules (content/fraud/rules.json) and a logistic-regression model
// trained on the corpus at start, with the reasons the citizen reads. Pure once built. Training
// (`trainFraudModels`, plain data out) is apart from the checker so that it can run in a worker
// thread (src/bot/text-models.ts).
//
// The model reads the whole text and tells apart the look-alikes (a bank's real notice, a
// police reminder quoting 「安全账户」); its log-odds are the score. The rules are the police's
// rules of thumb: each fired rule adds its weight (a genuine-message rule subtracts, but only in a
// text that asks for nothing a rule flags), and the reasons of the positive ones are what the
// citizen is shown.
//
// A text that holds nothing to judge but a phone number (alone, or asked about: 「这个号码138…
// 是不是骗子」) gets no risk either way: `unknown`, never `low`. Nobody can tell from a number who
// calls from it, and 「暂未发现明显风险」 would have a citizen trust the caller.
import type { CorpusEntry } from './corpus.js';
import { numberAlone } from './number-alone.js';
import {
  isSoftmaxWeights, ngramFeatures, softmaxTransferList, SoftmaxRegression, trainSoftmax, type Features, type LogisticOptions, type SoftmaxWeights,
} from '../../platform/softmax-regression.js';
import { CompiledRules, fraudTextForm, type FiredRule, type FraudRulesFile, type FraudTypeKey } from './rules.js';

/** `unknown`: nothing to judge but a phone number (`numberAlone`). */
export type FraudRisk = 'high' | 'medium' | 'low' | 'unknown';

export interface FraudVerdict {
  risk: FraudRisk;
  /** The most likely type, when the risk is not low. */
  type?: FraudTypeKey;
  /** Its name as the publicity uses it (刷单返利 …); empty when low. */
  types: string[];
  reasons: string[];
  advice: string;
  /** The model's log-odds plus the rules' weights: what the risk thresholds apply to; 0 when unknown (nothing weighed). */
  score: number;
}

export interface FraudCheckerOptions {
  /** Score at or above which the verdict is high / medium. */
  high: number;
  medium: number;
  /** How much one unit of rule weight counts beside the model's log-odds. */
  ruleWeight: number;
  /** How much a fired rule counts for its type beside the type model's log-probability. */
  ruleTypeWeight: number;
  /** Character n-gram lengths the models read. */
  sizes: readonly number[];
  model: LogisticOptions;
}

export const DEFAULT_OPTIONS: FraudCheckerOptions = {
  high: 2, medium: 0.5, ruleWeight: 0.15, ruleTypeWeight: 0.5, sizes: [1, 2, 3],
  model: { epochs: 20, learningRate: 0.5, l2: 0.0001, balanced: true },
};

/** The closing advice of each risk: the last line of every verdict's advice. */
export const COMMON_ADVICE: Readonly<Record<FraudRisk, string>> = {
  high: '这很可能是诈骗！请不要转账，不要点链接，不要说出验证码。已经转了钱，请马上拨打110报警；拿不准可以拨打反诈专线96110。',
  medium: '这条消息有诈骗的可能，请多加小心：不要急着转账或提供个人信息，先和家人商量，或拨打反诈专线96110咨询。',
  low: '没有发现明显的诈骗特征。但仍要记住：凡是要您转账、要验证码的，都先停一停，问问家人或拨打96110。',
  // The bot adds what a scam asks for and where to ask (its answer to a phone number).
  unknown: '光凭一个号码，看不出对方是不是骗子，要看对方让您做什么。',
};

/** The checker's two models as plain data: fraud against ordinary, and the type among fraud texts. */
export interface FraudModelWeights {
  isFraud: SoftmaxWeights;
  fraudType: SoftmaxWeights;
}

const fraudFeaturizer = (options: FraudCheckerOptions) => (text: string): Features => ngramFeatures(fraudTextForm(text), options.sizes);

/** Trains the checker's models on the corpus: pure computation, the same weights in any thread. */
export function trainFraudModels(corpus: readonly CorpusEntry[], options: FraudCheckerOptions = DEFAULT_OPTIONS): FraudModelWeights {
  const featurize = fraudFeaturizer(options);
  return {
    isFraud: trainSoftmax(corpus.map((e) => ({ text: e.text, label: e.label })), featurize, options.model),
    fraudType: trainSoftmax(corpus.flatMap((e) => (e.label === 'fraud' ? [{ text: e.text, label: e.type }] : [])), featurize, options.model),
  };
}

export const fraudModelsTransferList = (w: FraudModelWeights): ArrayBuffer[] => [...softmaxTransferList(w.isFraud), ...softmaxTransferList(w.fraudType)];

export function isFraudModelWeights(x: unknown): x is FraudModelWeights {
  if (typeof x !== 'object' || x === null) return false;
  const w = x as Partial<Record<keyof FraudModelWeights, unknown>>;
  return isSoftmaxWeights(w.isFraud) && isSoftmaxWeights(w.fraudType);
}

// A probability of exactly 0 or 1 would make the log-odds infinite.
const clamp = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));

export class FraudChecker {
  private readonly rules: CompiledRules;
  private readonly isFraud: SoftmaxRegression;
  private readonly fraudType: SoftmaxRegression;
  private readonly featurize: (text: string) => Features;

  /** A checker of these rules and of models trained with the same `options` (`trainFraudModels`). */
  constructor(rules: FraudRulesFile, models: FraudModelWeights, readonly options: FraudCheckerOptions = DEFAULT_OPTIONS) {
    this.rules = new CompiledRules(rules);
    const featurize = (this.featurize = fraudFeaturizer(options));
    this.isFraud = new SoftmaxRegression(models.isFraud, featurize);
    this.fraudType = new SoftmaxRegression(models.fraudType, featurize);
  }

  /** Trains the models in this thread. */
  static train(rules: FraudRulesFile, corpus: readonly CorpusEntry[], options: FraudCheckerOptions = DEFAULT_OPTIONS): FraudChecker {
    return new FraudChecker(rules, trainFraudModels(corpus, options), options);
  }

  check(text: string): FraudVerdict {
    const form = fraudTextForm(text);
    if (numberAlone(form)) return { risk: 'unknown', types: [], reasons: [], advice: COMMON_ADVICE.unknown, score: 0 };
    const fired = this.rules.fired(form);
    // A rule asks for its act unless the text only denies it where it names it (「公安机关没有安全
    // 账户」, 「…的，都是诈骗」; `denial.ts`).
    const asks = (r: FiredRule) => r.weight > 0 && !this.rules.onlyDenied(form, r);
    // Invariant: a warning phrase never weighs against an act the text asks for. The genuine-message
    // rules' phrases (「如有疑问请拨打96110」, 「不要相信」, 「切勿」, 「如非本人操作」) are free for a
    // scammer to copy beside the ask, so when any rule's act is asked for they count for nothing:
    // their weight is left out and the model reads the text without them. They count only in a
    // text that asks for nothing a rule flags (a genuine warning denies the act it names).
    const warnings = fired.filter((r) => r.weight < 0);
    const genuine = warnings.length > 0 && !fired.some(asks);
    const counted = genuine ? fired : fired.filter((r) => r.weight > 0);
    const features = this.featurize(warnings.length > 0 && !genuine ? this.rules.without(form, warnings) : text);
    const p = clamp(this.isFraud.probabilities(features)[this.isFraud.labels.indexOf('fraud')] ?? 0);
    const score = Math.log(p / (1 - p)) + this.options.ruleWeight * counted.reduce((sum, r) => sum + r.weight, 0);
    // Invariant: a decisive rule (a police rule of thumb) whose act the text asks for makes the
    // verdict high, whatever the model or any warning phrase says. No real authority has a
    // 「安全账户」, takes statements by video or needs your verification code, so a text that asks
    // for one of these is fraud however the rest reads. Not medium: 「要小心」 would tell a citizen
    // about to move money that it might be fine. Only a text that denies the act itself where it
    // names it (a warning about it) escapes the rule.
    const ruleOfThumb = fired.some((r) => r.decisive && asks(r));
    const risk: FraudRisk = ruleOfThumb || score >= this.options.high ? 'high' : score >= this.options.medium ? 'medium' : 'low';
    if (risk === 'low') return { risk, types: [], reasons: [], advice: COMMON_ADVICE.low, score };
    const type = this.likelyType(features, fired);
    const info = this.rules.file.types[type];
    const shown = fired.filter((r) => r.weight > 0);
    // The reasons of the rules that agree with the type come first.
    const reasons = [...new Set([...shown.filter((r) => r.type === type), ...shown.filter((r) => r.type !== type)].map((r) => r.reason))];
    return {
      risk,
      type,
      types: info ? [info.name] : [],
      reasons,
      advice: info ? `${info.advice}\n${COMMON_ADVICE[risk]}` : COMMON_ADVICE[risk],
      score,
    };
  }

  /** A type's name and advice as rules.json words them: also what a question about that scam is told. */
  typeInfo(type: FraudTypeKey): { name: string; advice: string } | undefined {
    return this.rules.file.types[type];
  }

  private likelyType(features: Features, fired: readonly FiredRule[]): FraudTypeKey {
    const probabilities = this.fraudType.probabilities(features);
    let best: FraudTypeKey = 'other';
    let bestScore = -Infinity;
    this.fraudType.labels.forEach((label, i) => {
      const fromRules = fired.filter((r) => r.type === label && r.weight > 0).reduce((sum, r) => sum + r.weight, 0);
      const value = Math.log(clamp(probabilities[i] ?? 0)) + fromRules * this.options.ruleTypeWeight;
      if (value > bestScore) {
        best = label as FraudTypeKey;
        bestScore = value;
      }
    });
    return best;
  }
}
