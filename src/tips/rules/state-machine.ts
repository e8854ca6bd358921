// The life of a tip as a pure function: given the tip's current facts, an action and its
// input, either the next state (with what to store) or a TipRuleError. Who may act is the
// policy module's job; when a notice goes out is the service's.
import type { TipState } from '../types.js';
import { TipRuleError } from './errors.js';
import { MAX_EXTENSION_DAYS, MAX_REVIEWS, REVIEW_ANSWER_DAYS, REVIEW_WINDOW_DAYS } from './limits.js';
import { reviewWindowEnd } from './deadlines.js';

export { citizenNoticeFor, type NoticeContext } from './citizen-notice.js';

export const TIP_ACTIONS = [
  'claim', 'release', 'assign', 'start', 'answer', 'extend', 'reject',
  'mark_duplicate', 'transfer', 'close', 'reopen', 'lease_expired',
] as const;
export type TipAction = (typeof TIP_ACTIONS)[number];

/** The facts about a tip the rules look at. */
export interface TipSnapshot {
  id?: string | number;
  state: TipState;
  /** The one extension of Art 34 has been used (stays true after a reassignment). */
  extendedOnce?: boolean;
  answeredAt?: Date | null;
  /**
   * When the answer reached the citizen (after the correction hold); the 30 days for 复查 run
   * from that day. Absent: the answer went out when given (answeredAt).
   */
  answerPublicAt?: Date | null;
  /** 复查/复核 requests taken so far. */
  reviewCount?: number;
}

export interface TransitionInput {
  reason?: string | null;
  answer?: string | null;
  unitKey?: string | null;
  duplicateOf?: string | number | null;
  extensionDays?: number | null;
}

/** What the repository stores besides the new state. */
export interface TipPatch {
  handlingUnitKey?: string;
  extendedOnce?: true;
  extensionDays?: number;
  answeredAt?: Date;
  reopenedAt?: Date;
  reviewCount?: number;
  duplicateOf?: string | number;
}

export interface TransitionResult {
  from: TipState;
  to: TipState;
  action: TipAction;
  at: Date;
  /** Trimmed inputs, for the event log. */
  reason?: string;
  answer?: string;
  set: TipPatch;
}

interface Move { from: readonly TipState[]; to: TipState }

// 'extended' counts as in progress: it can be answered or reassigned like in_progress.
// Triage may answer a claimed tip itself (a simple question needs no handling unit). An assigned
// tip is answered only after its unit started (开始办理): the answer is the outcome of handling.
// A reopened tip is answered by whoever handles the 复查, with no separate start.
// 'assign' from a handling state is a supervisor's reassignment.
const MOVES: Readonly<Record<TipAction, Move>> = {
  claim: { from: ['received'], to: 'claimed' },
  release: { from: ['claimed'], to: 'received' },
  lease_expired: { from: ['claimed'], to: 'received' },
  assign: { from: ['received', 'claimed', 'assigned', 'in_progress', 'extended', 'reopened'], to: 'assigned' },
  start: { from: ['assigned'], to: 'in_progress' },
  answer: { from: ['claimed', 'in_progress', 'extended', 'reopened'], to: 'answered' },
  extend: { from: ['assigned', 'in_progress'], to: 'extended' },
  reject: { from: ['received', 'claimed'], to: 'rejected' },
  mark_duplicate: { from: ['received', 'claimed'], to: 'duplicate' },
  transfer: { from: ['received', 'claimed'], to: 'transferred' },
  close: { from: ['answered'], to: 'closed' },
  reopen: { from: ['answered', 'closed'], to: 'reopened' },
};

const REASSIGN_FROM: ReadonlySet<TipState> = new Set<TipState>(['assigned', 'in_progress', 'extended']);

/** Actions whose source states include `state` (input not considered): for menus and buttons. */
export function actionsFrom(state: TipState): TipAction[] {
  return TIP_ACTIONS.filter((a) => MOVES[a].from.includes(state));
}

const text = (s: string | null | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

function requireReason(input: TransitionInput, what: string): string {
  const reason = text(input.reason);
  if (!reason) throw new TipRuleError('TIP_REASON_REQUIRED', `${what}须填写理由`);
  return reason;
}

export function transition(tip: TipSnapshot, action: TipAction, input: TransitionInput, now: Date): TransitionResult {
  const move = MOVES[action];
  const legal = move.from.includes(tip.state);
  // Art 34's one extension belongs to the first handling; a 复查/复核 is answered within its 30 days.
  if (action === 'extend' && legal && (tip.reviewCount ?? 0) > 0) {
    throw new TipRuleError('TIP_ILLEGAL_TRANSITION', `复查、复核应自收到申请之日起${REVIEW_ANSWER_DAYS}日内答复，不能延期`);
  }
  // A second extension is a distinct, explainable refusal, not a generic illegal move.
  if (action === 'extend' && (tip.state === 'extended' || (legal && tip.extendedOnce))) {
    throw new TipRuleError('TIP_ALREADY_EXTENDED', '办理期限只能延长一次');
  }
  if (action === 'answer' && tip.state === 'assigned') {
    throw new TipRuleError('TIP_NOT_STARTED', '请先点击「开始办理」，办理后再填写答复');
  }
  if (!legal) throw new TipRuleError('TIP_ILLEGAL_TRANSITION', `当前状态不能执行该操作（${tip.state} → ${action}）`);

  const base = { from: tip.state, to: move.to, action, at: now };
  switch (action) {
    case 'claim':
    case 'release':
    case 'lease_expired':
    case 'start':
    case 'close': {
      // Optional for staff; the system's auto-close always says why.
      const reason = text(input.reason);
      return { ...base, ...(reason ? { reason } : {}), set: {} };
    }
    case 'assign': {
      const unitKey = text(input.unitKey);
      if (!unitKey) throw new TipRuleError('TIP_UNIT_REQUIRED', '请选择交办单位');
      // Moving work away from a unit that already has it must say why (supervisor's log).
      const reason = REASSIGN_FROM.has(tip.state) ? requireReason(input, '改派') : text(input.reason);
      return { ...base, ...(reason ? { reason } : {}), set: { handlingUnitKey: unitKey } };
    }
    case 'answer': {
      const answer = text(input.answer);
      if (!answer) throw new TipRuleError('TIP_ANSWER_REQUIRED', '请填写答复内容');
      return { ...base, answer, set: { answeredAt: now } };
    }
    case 'extend': {
      const reason = requireReason(input, '延期');
      const days = input.extensionDays;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
        throw new TipRuleError('TIP_EXTENSION_INVALID', '延期天数应为正整数');
      }
      if (days > MAX_EXTENSION_DAYS) {
        throw new TipRuleError('TIP_EXTENSION_TOO_LONG', `延期不得超过${MAX_EXTENSION_DAYS}日`);
      }
      return { ...base, reason, set: { extendedOnce: true, extensionDays: days } };
    }
    case 'reject':
      return { ...base, reason: requireReason(input, '不予受理'), set: {} };
    case 'transfer':
      return { ...base, reason: requireReason(input, '转送'), set: {} };
    case 'mark_duplicate': {
      const link = input.duplicateOf;
      if (link === undefined || link === null || String(link).trim() === '') {
        throw new TipRuleError('TIP_DUPLICATE_LINK_REQUIRED', '请指明重复的原事项');
      }
      if (tip.id !== undefined && String(link) === String(tip.id)) {
        throw new TipRuleError('TIP_DUPLICATE_OF_SELF', '不能标记为与自身重复');
      }
      const reason = text(input.reason);
      return { ...base, ...(reason ? { reason } : {}), set: { duplicateOf: link } };
    }
    case 'reopen':
      return reopen(tip, input, now, base);
  }
}

function reopen(tip: TipSnapshot, input: TransitionInput, now: Date, base: Omit<TransitionResult, 'set'>): TransitionResult {
  const reviews = tip.reviewCount ?? 0;
  if (reviews >= MAX_REVIEWS) throw new TipRuleError('TIP_REVIEWS_EXHAUSTED', '该事项已经复核，不再受理复查');
  if (!tip.answeredAt) throw new TipRuleError('TIP_ILLEGAL_TRANSITION', '该事项没有答复时间，无法复查');
  // Day 30 after the day the answer reached the citizen still counts; day 31 does not.
  if (now.getTime() > reviewWindowEnd({ answeredAt: tip.answeredAt, answerPublicAt: tip.answerPublicAt ?? null }).getTime()) {
    throw new TipRuleError('TIP_REVIEW_WINDOW_CLOSED', `复查须在收到答复之日起${REVIEW_WINDOW_DAYS}日内提出`);
  }
  const reason = requireReason(input, '复查');
  return { ...base, reason, set: { reopenedAt: now, reviewCount: reviews + 1 } };
}
