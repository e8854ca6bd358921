// What each audience sees of a tip. The citizen sees their own tip in plain words; staff see a
// redacted reporter unless the policy grants identity (and the caller has logged the view). An
// anonymous (匿名) tip is never revealed: its reporter is { anonymous: true, revealed: false } for all.
import type { CitizenTipView, TipCategoryKey } from '../bot/ports.js';
import type { ReporterIdentity } from './identity.js';
import type { TipEventRow, TipRow } from './models.js';
import { REVIEW_WINDOW_DAYS, MAX_REVIEWS } from './rules/limits.js';
import { endOfShanghaiDay, shanghaiDay } from './rules/shanghai-time.js';
import { maskPersonalData } from './rules/personal-data.js';
import { sealedReasonOf } from './sealed-texts.js';
import { COLOUR_LABELS, LEGAL_TYPE_LABELS, STATE_LABELS, categoryInfo, isCategory, isColour, isLegalType, isTipState } from './types.js';

const stateLabel = (s: string) => (isTipState(s) ? STATE_LABELS[s] : s);

export function reviewWindowOpen(tip: TipRow, now: Date): boolean {
  if (!tip.answeredAt || tip.reviewCount >= MAX_REVIEWS) return false;
  return now.getTime() <= endOfShanghaiDay(shanghaiDay(tip.answeredAt) + REVIEW_WINDOW_DAYS).getTime();
}

export function citizenView(tip: TipRow, now = new Date()): CitizenTipView {
  const finished = ['answered', 'closed'].includes(tip.state);
  return {
    code: tip.code,
    category: tip.category as TipCategoryKey,
    state: tip.state,
    stateLabel: stateLabel(tip.state),
    submittedAt: tip.createdAt,
    concludeBy: finished || tip.concludedAt ? null : tip.concludeBy,
    answer: tip.answer,
    answeredAt: tip.answeredAt,
    rating: tip.rating,
    canRate: tip.state === 'answered' && tip.rating === null,
    canRequestReview: finished && tip.rating === 'unsatisfied' && reviewWindowOpen(tip, now),
  };
}

export interface StaffReporterView {
  /** The citizen chose 匿名: no openid, channel id, name or phone reaches any staff member. */
  anonymous: boolean;
  /** False: identity withheld from this viewer (policy, or always for an anonymous tip). */
  revealed: boolean;
  citizenId?: string;
  name?: string | null;
  phone?: string | null;
}

export interface StaffTipView {
  code: string;
  category: string;
  categoryName: string;
  legalType: string;
  legalTypeLabel: string;
  description: string;
  place: { countyCode: string | null; townshipCode: string | null; text: string | null; latitude: number | null; longitude: number | null };
  attachments: unknown;
  reporter: StaffReporterView;
  colour: string;
  colourLabel: string;
  computedColour: string;
  colourReason: string | null;
  danger: boolean;
  state: string;
  stateLabel: string;
  unitKey: string | null;
  accusedUnitKey: string | null;
  handlerCountyCode: string | null;
  handlerTownshipCode: string | null;
  claimedBy: number | null;
  leaseUntil: string | null;
  acknowledgeBy: string;
  assignBy: string;
  concludeBy: string;
  dueAt: string | null;
  overdue: boolean;
  extensionDays: number;
  deliveryState: string;
  duplicateOf: string | null;
  answer: string | null;
  answeredAt: string | null;
  rating: string | null;
  reviewCount: number;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `identity` given = the viewer is entitled and the view has been logged. */
export function staffView(tip: TipRow, given: ReporterIdentity | undefined, now = new Date()): StaffTipView {
  // Belt and braces: even if a caller decrypted it, an anonymous reporter is not shown.
  const identity = tip.anonymous ? undefined : given;
  // Citizen texts are stored masked; a logged reveal shows the sealed originals. Without one
  // they are masked again, which changes nothing in a sealed row and covers any row not resealed.
  const text = (s: string | null, original: string | undefined) =>
    (s === null ? null : identity ? original ?? s : maskPersonalData(s));
  return {
    code: tip.code,
    category: tip.category,
    categoryName: isCategory(tip.category) ? categoryInfo(tip.category).name : tip.category,
    legalType: tip.legalType,
    legalTypeLabel: isLegalType(tip.legalType) ? LEGAL_TYPE_LABELS[tip.legalType] : tip.legalType,
    description: text(tip.description, identity?.texts?.description) ?? '',
    place: {
      countyCode: tip.placeCountyCode, townshipCode: tip.placeTownshipCode, text: text(tip.placeText, identity?.texts?.placeText),
      latitude: tip.latitude, longitude: tip.longitude,
    },
    attachments: JSON.parse(tip.attachments) as unknown,
    reporter: identity
      ? { anonymous: tip.anonymous, revealed: true, citizenId: identity.citizenId, name: identity.name ?? null, phone: identity.phone ?? null }
      : { anonymous: tip.anonymous, revealed: false },
    colour: tip.colour,
    colourLabel: isColour(tip.colour) ? COLOUR_LABELS[tip.colour] : tip.colour,
    computedColour: tip.computedColour,
    colourReason: tip.colourReason,
    danger: tip.danger,
    state: tip.state,
    stateLabel: stateLabel(tip.state),
    unitKey: tip.unitKey,
    accusedUnitKey: tip.accusedUnitKey,
    handlerCountyCode: tip.handlerCountyCode,
    handlerTownshipCode: tip.handlerTownshipCode,
    claimedBy: tip.claimedBy,
    leaseUntil: iso(tip.leaseUntil),
    acknowledgeBy: tip.acknowledgeBy.toISOString(),
    assignBy: tip.assignBy.toISOString(),
    concludeBy: tip.concludeBy.toISOString(),
    dueAt: iso(tip.dueAt),
    overdue: tip.dueAt !== null && tip.dueAt.getTime() < now.getTime(),
    extensionDays: tip.extensionDays,
    deliveryState: tip.deliveryState,
    duplicateOf: tip.duplicateOf,
    answer: tip.answer,
    answeredAt: iso(tip.answeredAt),
    rating: tip.rating,
    reviewCount: tip.reviewCount,
    createdAt: tip.createdAt.toISOString(),
    updatedAt: tip.updatedAt.toISOString(),
  };
}

export interface StaffEventView {
  id: number;
  type: string;
  actorType: string;
  actorName: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  note: string | null;
  at: string;
}

/**
 * `openText` is given only after a logged reveal: it opens a citizen's sealed original (a review
 * reason stored masked). Otherwise every free text is masked, staff-written ones included.
 */
export function eventView(e: TipEventRow, openText?: (sealed: string) => string): StaffEventView {
  const sealed = openText ? sealedReasonOf(e.data) : undefined;
  return {
    id: e.id, type: e.type, actorType: e.actorType, actorName: e.actorName,
    fromState: e.fromState, toState: e.toState,
    reason: e.reason === null ? null : openText ? (sealed ? openText(sealed) : e.reason) : maskPersonalData(e.reason),
    note: e.note === null ? null : openText ? e.note : maskPersonalData(e.note),
    at: e.createdAt.toISOString(),
  };
}
