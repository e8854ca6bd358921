// Staff actions on one tip. Each runs in one transaction: lock the row, ask the policy, ask the
// state machine, write row + event + citizen notice; notices are sent only after commit.
import type { Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import { AppError } from '../platform/errors.js';
import type { StaffPrincipal } from '../staff/accounts.js';
import type { ApplyDeps } from './apply.js';
import { applyTransition, type ApplyOptions } from './apply.js';
import { COLOUR_RANK, dueAtOf } from './clock.js';
import type { TipRow } from './models.js';
import type { NoticeCenter } from './notices.js';
import { assertCan, can, PolicyError, type PolicyAction } from './policy.js';
import { citizenNoticeFor } from './rules/citizen-notice.js';
import { carriesMask } from './rules/personal-data.js';
import { TipRuleError } from './rules/errors.js';
import { acknowledgeBy } from './rules/colour.js';
import { transition, type TipAction, type TransitionInput } from './rules/state-machine.js';
import { resolveAssignment } from './assignment.js';
import { scopeOf, snapshotOf } from './scope.js';
import type { AssignInput } from './validation.js';
import type { Colour } from './types.js';

export interface ServiceDeps extends ApplyDeps {
  db: Database;
  notices: NoticeCenter;
}

export const tipNotFound = () => new AppError('TIP_NOT_FOUND', 404, '没有找到该事项');

export const staffActor = (s: StaffPrincipal) => ({ type: 'staff' as const, id: s.id, name: s.displayName });

/**
 * Loads the tip for an actor: a tip the actor may not see is "not found" (its existence is
 * itself information, e.g. an accusation against the actor's unit); one it may see but not
 * act on is "forbidden".
 */
export async function loadFor(deps: ServiceDeps, actor: StaffPrincipal, code: string, action: PolicyAction, t?: Transaction): Promise<TipRow> {
  const tip = await deps.repo.findByCode(code, t, Boolean(t));
  if (!tip || !can(actor, 'tip.view', scopeOf(tip))) throw tipNotFound();
  assertCan(actor, action, scopeOf(tip));
  return tip;
}

// A live claim belongs to its claimer; supervisors and admins may step in (督办).
function assertNotClaimedByOther(tip: TipRow, actor: StaffPrincipal, now: Date): void {
  const live = tip.state === 'claimed' && tip.claimedBy !== null && tip.leaseUntil !== null && tip.leaseUntil > now;
  if (live && tip.claimedBy !== actor.id && actor.role !== 'supervisor' && actor.role !== 'admin') {
    throw new AppError('TIP_CLAIMED_BY_OTHER', 409, '该事项正由其他受理员处理');
  }
}

interface Prepared {
  input?: Partial<TransitionInput>;
  opts?: ApplyOptions;
}

export interface TipService {
  release(actor: StaffPrincipal, code: string): Promise<TipRow>;
  assign(actor: StaffPrincipal, code: string, input: AssignInput): Promise<TipRow>;
  setColour(actor: StaffPrincipal, code: string, colour: Colour, reason: string): Promise<TipRow>;
  start(actor: StaffPrincipal, code: string): Promise<TipRow>;
  answer(actor: StaffPrincipal, code: string, answer: string): Promise<TipRow>;
  /**
   * Replaces the answer while it is still inside its hold (tips.answerHoldMinutes), before it
   * reaches the citizen: on the tip, in the waiting notice, and as an `answer_corrected` event.
   * Only the staff member who answered, or a supervisor or admin.
   */
  correctAnswer(actor: StaffPrincipal, code: string, answer: string): Promise<TipRow>;
  extend(actor: StaffPrincipal, code: string, days: number, reason: string): Promise<TipRow>;
  reject(actor: StaffPrincipal, code: string, reason: string): Promise<TipRow>;
  markDuplicate(actor: StaffPrincipal, code: string, of: string, reason?: string): Promise<TipRow>;
  close(actor: StaffPrincipal, code: string, reason?: string): Promise<TipRow>;
  reopen(actor: StaffPrincipal, code: string, reason: string): Promise<TipRow>;
}

/**
 * Texts the citizen reads word for word (an answer, the reason of an extension or a refusal) may
 * not carry masks: staff without the reveal see the citizen's numbers as 139****5678, and a copy
 * of them would send the citizen stars.
 */
const MASKED_TEXT = (what: string) => `${what}里有被隐藏的内容（***），请把号码等重新填写完整，或者删去后再保存`;

export function createTipService(deps: ServiceDeps): TipService {
  /**
   * One state-machine step; `prepare` may check more and set fields before the row is saved (async
   * when it reads the database).
   */
  async function step(
    actor: StaffPrincipal, code: string, policy: PolicyAction, action: TipAction, input: TransitionInput,
    prepare?: (tip: TipRow, t: Transaction) => Prepared | void | Promise<Prepared | void>,
  ): Promise<TipRow> {
    const pending: number[] = [];
    const tip = await deps.db.transaction(async (t) => {
      const tip = await loadFor(deps, actor, code, policy, t);
      const now = new Date();
      assertNotClaimedByOther(tip, actor, now);
      const prepared = (await prepare?.(tip, t)) ?? {};
      const result = transition(snapshotOf(tip), action, { ...input, ...prepared.input }, now);
      pending.push(...(await applyTransition(deps, tip, result, staffActor(actor), t, prepared.opts ?? {})));
      return tip;
    });
    deps.notices.dispatch(pending);
    return tip;
  }

  return {
    release: (actor, code) => step(actor, code, 'tip.release', 'release', {}, (tip) => {
      if (tip.claimedBy !== actor.id && actor.role === 'triage') throw new AppError('TIP_CLAIMED_BY_OTHER', 409, '只能退回自己领取的事项');
      return { opts: { notice: 'none' } };
    }),
    assign: (actor, code, input) => step(actor, code, 'tip.assign', 'assign', { reason: input.reason ?? null }, async (tip) => {
      const target = await resolveAssignment(deps.repo, tip, input);
      tip.accusedUnitKey = target.accusedUnitKey;
      tip.handlerCountyCode = target.countyCode;
      tip.handlerTownshipCode = target.townshipCode;
      return {
        input: { unitKey: target.unitKey },
        opts: { data: { unitKey: target.unitKey, countyCode: target.countyCode, townshipCode: target.townshipCode } },
      };
    }),
    async setColour(actor, code, colour, reason) {
      const tip = await deps.db.transaction(async (t) => {
        const tip = await loadFor(deps, actor, code, 'tip.set_colour', t);
        const from = tip.colour;
        tip.colour = colour;
        tip.colourRank = COLOUR_RANK[colour] ?? 2;
        tip.acknowledgeBy = acknowledgeBy(colour, tip.createdAt, deps.holidays);
        tip.dueAt = dueAtOf(tip, deps.holidays);
        tip.updatedAt = new Date();
        await tip.save({ transaction: t });
        await deps.repo.appendEvent({
          tipId: tip.id, type: 'colour_changed', actor: staffActor(actor), fromState: tip.state, toState: tip.state,
          reason, data: { from, to: colour },
        }, t);
        return tip;
      });
      return tip;
    },
    start: (actor, code) => step(actor, code, 'tip.start', 'start', {}),
    async correctAnswer(actor, code, answer) {
      const text = answer.trim();
      if (!text) throw new TipRuleError('TIP_ANSWER_REQUIRED', '请填写答复内容');
      // Staff without the identity reveal see the held answer masked (views.ts): a correction
      // started from it would send the citizen the stars.
      if (carriesMask(text)) throw new TipRuleError('TIP_ANSWER_MASKED', MASKED_TEXT('答复'));
      const closed = () => new TipRuleError('TIP_ANSWER_NOT_EDITABLE', '答复已经发给群众，不能再更正；如需补充，请联系督办');
      return deps.db.transaction(async (t) => {
        const tip = await deps.repo.findByCode(code, t, true);
        if (!tip || !can(actor, 'tip.view', scopeOf(tip))) throw tipNotFound();
        // 督办 oversees every answer; anyone else corrects only an answer of their own.
        const overseer = actor.role === 'supervisor' || actor.role === 'admin';
        if (!overseer) assertCan(actor, 'tip.answer', scopeOf(tip));
        const now = new Date();
        if (tip.state !== 'answered' || !tip.answerPublicAt || tip.answerPublicAt.getTime() <= now.getTime()) throw closed();
        if (!overseer) {
          const given = await deps.repo.models.TipEvent.findOne({
            attributes: ['actorType', 'actorId'], where: { tipId: tip.id, type: 'answer' }, order: [['id', 'DESC']], transaction: t,
          });
          if (!given || given.actorType !== 'staff' || given.actorId !== actor.id) throw new PolicyError('tip.answer');
        }
        const notice = citizenNoticeFor('answered', { trackingCode: tip.code, answer: text, at: tip.answeredAt, reviewCount: tip.reviewCount });
        // The notice row decides: one already held or sent has left (or is leaving) for the citizen.
        if (!notice || !(await deps.notices.revisePending(tip.id, 'answered', notice, now, t))) throw closed();
        tip.answer = text;
        tip.updatedAt = now;
        await deps.repo.saveChanges(tip, t);
        await deps.repo.appendEvent({
          tipId: tip.id, type: 'answer_corrected', actor: staffActor(actor), fromState: tip.state, toState: tip.state, note: text, at: now,
        }, t);
        return tip;
      });
    },
    answer: (actor, code, answer) => {
      if (carriesMask(answer)) throw new TipRuleError('TIP_ANSWER_MASKED', MASKED_TEXT('答复'));
      return step(actor, code, 'tip.answer', 'answer', { answer });
    },
    extend: (actor, code, days, reason) => {
      if (carriesMask(reason)) throw new TipRuleError('TIP_REASON_MASKED', MASKED_TEXT('延期原因'));
      return step(actor, code, 'tip.extend', 'extend', { extensionDays: days, reason });
    },
    reject: (actor, code, reason) => {
      if (carriesMask(reason)) throw new TipRuleError('TIP_REASON_MASKED', MASKED_TEXT('不予受理的原因'));
      return step(actor, code, 'tip.reject', 'reject', { reason });
    },
    markDuplicate: (actor, code, of, reason) => step(actor, code, 'tip.mark_duplicate', 'mark_duplicate', { duplicateOf: of, reason: reason ?? null }, async (_tip, t) => {
      if (of === code) return;
      // The original must exist and be visible to the actor: a link into the unseen is a leak.
      const original = await deps.repo.findByCode(of, t);
      if (!original || !can(actor, 'tip.view', scopeOf(original))) {
        throw new AppError('VALIDATION_FAILED', 400, '输入有误，请检查后重试', { fields: [{ path: 'of', message: '原事项不存在' }] });
      }
      return { opts: { data: { of } } };
    }),
    close: (actor, code, reason) => step(actor, code, 'tip.close', 'close', { reason: reason ?? null }),
    reopen: (actor, code, reason) => step(actor, code, 'tip.reopen', 'reopen', { reason }),
  };
}
