// What each audience sees of a tip. The citizen sees their own tip in plain words; staff see a
// redacted reporter unless the policy grants identity (and the caller has logged the view). An
// anonymous (匿名) tip is never revealed: its reporter is { anonymous: true, revealed: false } for all.
import type { CitizenTipStep, CitizenTipView, TipCategoryKey } from '../bot/ports.js';
import type { ReporterIdentity } from './identity.js';
import type { TipEventRow, TipRow } from './models.js';
import { MAX_REVIEWS } from './rules/limits.js';
import { reviewWindowEnd } from './rules/deadlines.js';
import { maskFully, maskPersonalData } from './rules/personal-data.js';
import { sealedReasonOf } from './sealed-texts.js';
import {
  CITIZEN_STATE_LABELS, COLOUR_LABELS, LEGAL_TYPE_LABELS, OPEN_STATES, STATE_LABELS, categoryInfo, isCategory, isColour, isLegalType, isTipState,
  type TipState,
} from './types.js';

const stateLabel = (s: string) => (isTipState(s) ? STATE_LABELS[s] : s);

/**
 * Until the end of the 30th day after the answer reached the citizen (after its hold): the time in
 * which 复查 may be asked, and a tip staff closed before the citizen rated it may still be rated.
 */
export function answerWindowOpen(tip: TipRow, now: Date): boolean {
  return tip.answeredAt !== null && now.getTime() <= reviewWindowEnd({ answeredAt: tip.answeredAt, answerPublicAt: tip.answerPublicAt }).getTime();
}

/** 复查 may be asked within the answer's window, unless 复核 was the last (MAX_REVIEWS). */
export function reviewWindowOpen(tip: TipRow, now: Date): boolean {
  return tip.reviewCount < MAX_REVIEWS && answerWindowOpen(tip, now);
}

/** An answer inside its correction hold has not reached the citizen yet (tips.answerHoldMinutes). */
export function answerHeld(tip: TipRow, now: Date): boolean {
  return tip.state === 'answered' && !!tip.answerPublicAt && tip.answerPublicAt.getTime() > now.getTime();
}

const CONCLUDED: ReadonlySet<string> = new Set<TipState>(['closed', 'rejected', 'duplicate', 'transferred']);

/** The date of the step a state stands for, from the tip's own columns. */
function stepDate(tip: TipRow, state: TipState): Date {
  switch (state) {
    case 'received':
    case 'claimed':
      return tip.createdAt;
    case 'assigned':
      return tip.acceptedAt ?? tip.assignedAt ?? tip.createdAt;
    case 'in_progress':
    case 'extended':
      return tip.startedAt ?? tip.acceptedAt ?? tip.createdAt;
    case 'reopened':
      return tip.reopenedAt ?? tip.updatedAt;
    case 'answered':
      return tip.answerPublicAt ?? tip.answeredAt ?? tip.updatedAt;
    case 'closed':
    case 'rejected':
    case 'duplicate':
    case 'transferred':
      return tip.concludedAt ?? tip.updatedAt;
  }
}

/** What the citizen has seen happen, oldest first: 已收到 → 已登记受理 → 办理中 → 已答复 → 已办结. */
function citizenSteps(tip: TipRow, state: TipState, held: boolean): CitizenTipStep[] {
  const steps: CitizenTipStep[] = [{ label: CITIZEN_STATE_LABELS.received, at: tip.createdAt }];
  if (tip.acceptedAt) steps.push({ label: CITIZEN_STATE_LABELS.assigned, at: tip.acceptedAt });
  if (tip.startedAt) steps.push({ label: CITIZEN_STATE_LABELS.in_progress, at: tip.startedAt });
  // After a 复查 the answer of the first round still happened; a held one has not reached them.
  const answerAt = held ? null : tip.answerPublicAt ?? tip.answeredAt;
  if (answerAt) steps.push({ label: CITIZEN_STATE_LABELS.answered, at: answerAt });
  if (tip.reopenedAt) steps.push({ label: '申请复查', at: tip.reopenedAt });
  if (CONCLUDED.has(state)) steps.push({ label: CITIZEN_STATE_LABELS[state], at: stepDate(tip, state) });
  return steps.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The states a citizen sees as still being handled: a tip in one of them takes their additions (补充). */
const BEING_HANDLED: ReadonlySet<string> = new Set(OPEN_STATES);

/** The state the citizen sees: until the correction hold is over, an answered tip is still being handled. */
function citizenState(tip: TipRow, now: Date): string {
  if (!answerHeld(tip, now)) return tip.state;
  const reviewing = !!tip.reopenedAt && (!tip.startedAt || tip.reopenedAt.getTime() > tip.startedAt.getTime());
  return reviewing ? 'reopened' : tip.acceptedAt ? 'in_progress' : 'claimed';
}

/** Whether the citizen may add to the tip now: it is still being handled, as they see it. */
export function takesAdditions(tip: TipRow, now: Date): boolean {
  return BEING_HANDLED.has(citizenState(tip, now));
}

export function citizenView(tip: TipRow, now = new Date()): CitizenTipView {
  const held = answerHeld(tip, now);
  const state = citizenState(tip, now);
  const known = isTipState(state) ? state : undefined;
  const finished = ['answered', 'closed'].includes(state);
  return {
    code: tip.code,
    category: tip.category as TipCategoryKey,
    state,
    stateLabel: known ? CITIZEN_STATE_LABELS[known] : state,
    stateAt: known ? stepDate(tip, known) : null,
    steps: known ? citizenSteps(tip, known, held) : [],
    submittedAt: tip.createdAt,
    concludeBy: finished || tip.concludedAt ? null : tip.concludeBy,
    answer: held ? null : tip.answer,
    answeredAt: held ? null : tip.answeredAt,
    rating: tip.rating,
    // A tip staff closed before the citizen rated it is still rated within the review window (citizen-actions.ts).
    // After 复核 too: no review is offered then, but the answer still asked for a rating.
    canRate: tip.rating === null && (state === 'answered' || (state === 'closed' && answerWindowOpen(tip, now))),
    // Asking for 复查 is itself the unsatisfied verdict: no rating is needed first, only not a satisfied one.
    canRequestReview: finished && (tip.rating === null || tip.rating === 'unsatisfied') && reviewWindowOpen(tip, now),
    canAdd: BEING_HANDLED.has(state),
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
  /** When the citizen last added to it (补充) what whoever handles it has not opened since. */
  additionsUnseenAt: string | null;
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
  // An anonymous reporter's texts keep no digit of a mask (hideMaskDigits).
  const citizenMask = tip.anonymous ? maskFully : maskPersonalData;
  const text = (s: string | null, original: string | undefined) =>
    (s === null ? null : identity ? original ?? s : citizenMask(s));
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
    // Built from the citizen's clear words (an emergency cue quotes them, rules/colour.ts): masked
    // for every viewer, whatever the reveal.
    colourReason: tip.colourReason === null ? null : citizenMask(tip.colourReason),
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
    additionsUnseenAt: iso(tip.additionsUnseenAt ?? null),
    duplicateOf: tip.duplicateOf,
    // Staff-written: masked like an event's note unless the view carries the revealed identity.
    answer: tip.answer === null ? null : identity ? tip.answer : maskPersonalData(tip.answer),
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
  /** The staff member who acted (a staff id; null for the citizen and the system). */
  actorStaffId: number | null;
  actorName: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  note: string | null;
  at: string;
}

/**
 * `openText` is given only after a logged reveal: it opens a citizen's sealed original (a review
 * reason stored masked). Otherwise every free text is masked, staff-written ones included; an
 * anonymous citizen's own texts keep no digit of a mask (hideMaskDigits).
 */
export function eventView(e: TipEventRow, openText?: (sealed: string) => string, opts: { anonymous?: boolean } = {}): StaffEventView {
  const sealed = openText ? sealedReasonOf(e.data) : undefined;
  const mask = opts.anonymous === true && e.actorType === 'citizen' ? maskFully : maskPersonalData;
  return {
    id: e.id, type: e.type, actorType: e.actorType, actorStaffId: e.actorType === 'staff' ? e.actorId : null, actorName: e.actorName,
    fromState: e.fromState, toState: e.toState,
    reason: e.reason === null ? null : openText ? (sealed ? openText(sealed) : e.reason) : mask(e.reason),
    note: e.note === null ? null : openText ? e.note : mask(e.note),
    at: e.createdAt.toISOString(),
  };
}
