// How an alert reads outside the database: the names of its fraud type and counties, its region
// in words, its public address, and the public JSON (no body source, no staff ids).
import { readFraudRules, type FraudTypeKey } from './fraud/index.js';
import { isCurrent, SEVERITY_LABELS, type Alert, type CountyName } from './types.js';

/** The words an alert's keys are shown with. */
export interface AlertNames {
  counties: readonly CountyName[];
  /** The publicity name of a fraud type (content/fraud/rules.json): 冒充公检法. */
  fraudType(key: FraudTypeKey): string;
  county(code: string): string | undefined;
}

export function alertNames(counties: readonly CountyName[], typeNames: Readonly<Record<string, { name: string }>> = readFraudRules().types): AlertNames {
  const byCode = new Map(counties.map((c) => [c.code, c.name]));
  return {
    counties,
    fraudType: (key) => typeNames[key]?.name ?? key,
    county: (code) => byCode.get(code),
  };
}

/** 全市, or the counties' names: 三元区、永安市. */
export function regionLabel(counties: readonly string[], names: Pick<AlertNames, 'county'>, whole = '全市'): string {
  if (counties.length === 0) return whole;
  return counties.map((c) => names.county(c) ?? c).join('、');
}

export const alertPath = (id: number): string => `/alerts/${id}`;

/** The public list's address, for one county when given. */
export function alertListPath(county?: string, page = 1): string {
  const q = new URLSearchParams();
  if (county) q.set('county', county);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/alerts?${s}` : '/alerts';
}

/** The public JSON of a published alert at `now`. */
export function publicAlert(a: Alert, names: AlertNames, origin: string, now: Date) {
  return {
    id: a.id,
    title: a.title,
    summary: a.summary,
    fraudType: a.fraudType,
    fraudTypeName: names.fraudType(a.fraudType),
    severity: a.severity,
    severityLabel: SEVERITY_LABELS[a.severity],
    counties: a.counties.map((code) => ({ code, name: names.county(code) ?? code })),
    region: regionLabel(a.counties, names),
    author: a.author,
    publishedAt: a.publishedAt,
    updatedAt: a.updatedAt,
    validUntil: a.validUntil,
    current: isCurrent(a, now),
    url: `${origin}${alertPath(a.id)}`,
  };
}

export type PublicAlert = ReturnType<typeof publicAlert>;
