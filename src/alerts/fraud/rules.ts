// The fraud rules as data (content/fraud/rules.json): validated when loaded, compiled into one
// phrase matcher, evaluated from the set of phrases a text contains.
import { z } from 'zod';
import { foldToSimplified } from '../../tips/rules/plain-text.js';
import { onlyDenied } from './denial.js';
import { PhraseMatcher } from './phrase-matcher.js';

export const FRAUD_TYPE_KEYS = [
  'rebate', 'investment', 'loan', 'customer_service', 'police', 'credit', 'acquaintance', 'romance',
  'game', 'pension', 'shopping', 'code', 'phishing', 'prize', 'sextortion', 'other',
] as const;
export type FraudTypeKey = (typeof FRAUD_TYPE_KEYS)[number];

const typeKey = z.enum(FRAUD_TYPE_KEYS);

export const fraudRulesSchema = z.object({
  version: z.number().int().positive(),
  about: z.string().optional(),
  types: z.record(typeKey, z.object({ name: z.string().min(1), advice: z.string().min(1) }).strict()),
  rules: z.array(z.object({
    id: z.string().min(1),
    type: typeKey,
    weight: z.number().refine((w) => w !== 0, "a rule weighs something"),
    all: z.array(z.array(z.string().min(1)).min(1)).min(1),
    reason: z.string().min(1),
    /**
     * A police rule of thumb: fired, and its act asked for (not only denied where it is named:
     * `denial.ts`), the verdict is 高风险 whatever else the text says, warning phrases included.
     */
    decisive: z.boolean().optional(),
  }).strict()),
}).strict().superRefine((value, ctx) => {
  for (const key of FRAUD_TYPE_KEYS) {
    if (!value.types[key]) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `type ${key} has no name and advice` });
  }
  const ids = new Set<string>();
  for (const r of value.rules) {
    if (ids.has(r.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `rule id ${r.id} is used twice` });
    ids.add(r.id);
  }
});
export type FraudRulesFile = z.infer<typeof fraudRulesSchema>;

export interface FiredRule { id: string; type: FraudTypeKey; weight: number; reason: string; decisive: boolean }

/**
 * The form rules and the model read a text in: NFKC, traditional characters read as simplified
 * (tips' `foldToSimplified`: 安全帳戶 is 安全帐户), lower case, no whitespace. Punctuation stays (「.cn」).
 */
export function fraudTextForm(text: string): string {
  return foldToSimplified(text.normalize('NFKC')).toLowerCase().replace(/\s+/gu, '');
}

export class CompiledRules {
  private readonly matcher: PhraseMatcher;
  /** For each rule, each group as the phrase ids that satisfy it. */
  private readonly groups: number[][][];
  /** For each rule id, its groups as phrases in the text form. */
  private readonly phrases = new Map<string, string[][]>();

  constructor(readonly file: FraudRulesFile) {
    const ids = new Map<string, number>();
    const idOf = (phrase: string): number => {
      const p = fraudTextForm(phrase);
      let id = ids.get(p);
      if (id === undefined) ids.set(p, (id = ids.size));
      return id;
    };
    this.groups = file.rules.map((r) => r.all.map((group) => group.map(idOf)));
    for (const r of file.rules) this.phrases.set(r.id, r.all.map((group) => group.map(fraudTextForm)));
    this.matcher = new PhraseMatcher([...ids.keys()]);
  }

  /** The rules a text (in fraudTextForm) satisfies: one pass over the text, then set look-ups. */
  fired(form: string): FiredRule[] {
    const found = this.matcher.find(form);
    const out: FiredRule[] = [];
    this.file.rules.forEach((rule, i) => {
      const groups = this.groups[i] as number[][];
      if (groups.every((g) => g.some((id) => found.has(id)))) {
        out.push({ id: rule.id, type: rule.type, weight: rule.weight, reason: rule.reason, decisive: rule.decisive === true });
      }
    });
    return out;
  }

  /**
   * Whether a fired rule's act is only denied in the text (in fraudTextForm), never asked for: some
   * group of the rule is present only in sentences that deny it where they name it (「没有安全账户」,
   * 「…的，都是诈骗」; `denial.ts`).
   */
  onlyDenied(form: string, rule: FiredRule): boolean {
    return onlyDenied(form, this.phrases.get(rule.id) ?? []);
  }

  /**
   * The text (in fraudTextForm) with every phrase of these rules blotted out, longest first, by
   * 「|」: a mark no training text holds, so no n-gram across the cut reads as words.
   */
  without(form: string, rules: readonly FiredRule[]): string {
    const phrases = [...new Set(rules.flatMap((r) => (this.phrases.get(r.id) ?? []).flat()))].sort((a, b) => b.length - a.length);
    let out = form;
    for (const phrase of phrases) out = out.split(phrase).join('|');
    return out;
  }
}
