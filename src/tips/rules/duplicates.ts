// Hints that a new tip repeats an earlier one. Suggestions only: triage decides, because a
// wrong merge silences a citizen. Works on plain objects the repository hands in.
import type { Category } from '../types.js';
import {
  SAME_PLACE_WINDOW_DAYS, SAME_REPORTER_MIN_SIMILARITY, SAME_REPORTER_WINDOW_DAYS,
} from './limits.js';
import { DAY_MS } from '../../platform/beijing-time.js';

/** NFKC (full-width → half-width), lower case, letters, digits and CJK only. */
export function normaliseForCompare(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function grams(text: string): Map<string, number> {
  const chars = Array.from(text);
  const out = new Map<string, number>();
  // A single character has no bigram; compare it as itself so "赌" vs "赌" is not 0.
  const n = chars.length === 1 ? 1 : 2;
  for (let i = 0; i + n <= chars.length; i += 1) {
    const g = chars.slice(i, i + n).join('');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * Dice coefficient of character bigrams (multiset), 0…1. Chinese has no spaces, and
 * bigrams catch the same words written in a different order.
 */
export function similarity(a: string, b: string): number {
  const ga = grams(normaliseForCompare(a));
  const gb = grams(normaliseForCompare(b));
  let sizeA = 0;
  let sizeB = 0;
  let shared = 0;
  for (const c of ga.values()) sizeA += c;
  for (const [g, c] of gb) {
    sizeB += c;
    shared += Math.min(c, ga.get(g) ?? 0);
  }
  if (sizeA + sizeB === 0) return 0;
  return (2 * shared) / (sizeA + sizeB);
}

export interface DuplicateProbe {
  id?: string | number;
  /** Salted hash of the citizen's openid; never the openid itself. */
  reporterHash?: string | null;
  text: string;
  category: Category;
  countyCode?: string | null;
  townshipCode?: string | null;
  receivedAt: Date;
}

export interface RecentTip extends DuplicateProbe {
  id: string | number;
}

export type DuplicateReason = 'same_reporter_similar' | 'same_place_category';

export interface DuplicateSuggestion {
  id: string | number;
  reason: DuplicateReason;
  /** Text similarity 0…1, for ordering. */
  score: number;
}

const within = (a: Date, b: Date, days: number) => Math.abs(a.getTime() - b.getTime()) <= days * DAY_MS;

// Township when both know it; a tip placed only at county level may concern any township
// of that county, so the county decides then.
function samePlace(a: DuplicateProbe, b: DuplicateProbe): boolean {
  if (a.townshipCode && b.townshipCode) return a.townshipCode === b.townshipCode;
  return Boolean(a.countyCode) && a.countyCode === b.countyCode;
}

/** Earlier tips the candidate may repeat, best first; each at most once. */
export function suggestDuplicates(candidate: DuplicateProbe, recent: readonly RecentTip[]): DuplicateSuggestion[] {
  const out: DuplicateSuggestion[] = [];
  for (const r of recent) {
    if (candidate.id !== undefined && String(r.id) === String(candidate.id)) continue;
    const score = similarity(candidate.text, r.text);
    const sameReporter = Boolean(candidate.reporterHash) && candidate.reporterHash === r.reporterHash;
    if (sameReporter && score >= SAME_REPORTER_MIN_SIMILARITY
      && within(candidate.receivedAt, r.receivedAt, SAME_REPORTER_WINDOW_DAYS)) {
      out.push({ id: r.id, reason: 'same_reporter_similar', score });
    } else if (r.category === candidate.category && samePlace(candidate, r)
      && within(candidate.receivedAt, r.receivedAt, SAME_PLACE_WINDOW_DAYS)) {
      out.push({ id: r.id, reason: 'same_place_category', score });
    }
  }
  const rank = (s: DuplicateSuggestion) => (s.reason === 'same_reporter_similar' ? 0 : 1);
  return out.sort((x, y) => rank(x) - rank(y) || y.score - x.score);
}
