// GET /staff/tips/:code (one tip: texts, timeline, notices, duplicate hints, and the actions this
// staff member may take), POST /staff/tips/:code/<action> (one form per action, Post/Redirect/Get),
// POST …/identity (the logged reveal of the reporter) and POST …/answer/preview (what the citizen
// will read, before it is sent). Everything goes through the same reads, services and policy as
// the JSON API: a tip the API would not show is 404 here too.
import Router from '@koa/router';
import type { Context } from 'koa';
import { toAppError } from '../../http/middleware.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { assertCan, can } from '../../tips/policy.js';
import { duplicateHints, tipDetail, type TipDetail } from '../../tips/reads.js';
import { citizenNoticeFor } from '../../tips/rules/citizen-notice.js';
import { carriesMask, maskPersonalData } from '../../tips/rules/personal-data.js';
import { tipNotFound } from '../../tips/service.js';
import { COLOUR_LABELS, COLOURS, STATE_LABELS, isTipState } from '../../tips/types.js';
import {
  answerSchema, assignSchema, codeParam, colourSchema, duplicateSchema, extendSchema, optionalReasonSchema,
  parseInput, reasonSchema,
} from '../../tips/validation.js';
import { MAX_EXTENSION_DAYS } from '../../tips/rules/limits.js';
import type { UnitRow } from '../../tips/models.js';
import type { MenuButton } from '../../config/index.js';
import { readForm, seeOther, type FormFields } from '../../web/index.js';
import type { StaffPrincipal } from '../accounts.js';
import { attachmentLabel, attachmentUrl, listenUrl, mayOpenRecording } from './attachments.js';
import { getOpensPage, requireStaffPage } from './guard.js';
import type { StaffPageDeps } from './index.js';
import { clockOf, placeName, unitNames } from './queue.js';
import { redirectWith, type Flash, type FlashKey } from './flash.js';

const TIP_PATH = '/staff/tips/:code';

/** What each timeline entry is called (event types: state-machine actions and the side events). */
const EVENT_LABELS: Readonly<Record<string, string>> = {
  received: '群众提交',
  claimed: '领取',
  release: '退回待领取',
  lease_expired: '领取超时，自动退回',
  assign: '交办',
  start: '开始办理',
  answer: '答复群众',
  answer_corrected: '更正答复（发出前）',
  extend: '延长办理期限',
  reject: '不予受理',
  mark_duplicate: '标记为重复反映',
  transfer: '转送',
  close: '办结',
  reopen: '复查',
  colour_changed: '调整颜色等级',
  identity_viewed: '查看举报人信息',
  media_opened: '打开群众的语音或视频',
  delivered: '承办单位已查收',
  review_requested: '群众申请复查',
  rated: '群众评价',
  citizen_added: '群众补充',
};

/** What an event's free text is, where it is not a reason: a citizen's addition is their own words. */
const TEXT_LABELS: Readonly<Record<string, string>> = {
  citizen_added: '补充内容',
};

/** Whether the console holds its own copy of an attachment (tip_media), said for staff. */
const COPY_STATES: Readonly<Record<string, string>> = {
  copied: '已保存',
  pending: '正在从微信保存',
  failed: '未能保存：微信已不再提供，或文件太大',
};

const NOTICE_STATES: Readonly<Record<string, { label: string; delivered: boolean }>> = {
  pending: { label: '等待发送', delivered: false },
  held: { label: '正在发送', delivered: false },
  failed: { label: '未能推送，群众下次留言时显示', delivered: false },
  sent: { label: '已送达', delivered: true },
  shown: { label: '已在回复中显示', delivered: true },
};

const linesOf = (s: string | null | undefined) => (s ?? '').split(/\r?\n/);

/**
 * What a transcript entry was, in words staff read: the bot records WeChat's message types
 * (image, voice, location, a menu click's key), which are not words for the page.
 */
const TRANSCRIPT_KINDS: Readonly<Record<string, string>> = {
  voice: '语音', image: '图片', video: '视频', location: '位置', link: '链接',
};

/** Menu keys (TIP, MY_TIPS) by the name the citizen clicked (举报线索), from the configured menu. */
function menuNames(buttons: readonly MenuButton[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (list: readonly MenuButton[]) => {
    for (const b of list) {
      if (b.key) out.set(b.key, b.name);
      if (b.sub_button) walk(b.sub_button);
    }
  };
  walk(buttons);
  return out;
}

/**
 * One transcript entry for the page: `kind` is said in words (null for plain text); a menu
 * click shows the menu's name, never its key; an image's text (WeChat's picture URL) is not shown.
 */
function transcriptLine(e: Record<string, unknown>, menus: ReadonlyMap<string, string>) {
  const kind = typeof e.kind === 'string' ? e.kind : '';
  const text = typeof e.text === 'string' && e.text !== '' ? e.text : null;
  const base = { at: typeof e.at === 'string' ? e.at : null, from: e.from === 'bot' ? '公众号' : '群众' };
  if (kind === 'text') return { ...base, kindLabel: null, lines: linesOf(text) };
  if (kind === 'menu') return { ...base, kindLabel: `点了菜单「${(text && menus.get(text)) ?? '公众号菜单'}」`, lines: null };
  if (kind === 'image') return { ...base, kindLabel: '图片', lines: null };
  if (kind === 'voice' && text) return { ...base, kindLabel: '语音，已转成文字', lines: linesOf(text) };
  const label = TRANSCRIPT_KINDS[kind];
  if (label) return { ...base, kindLabel: label, lines: text ? linesOf(text) : null };
  // Subscribe, scan and the like: nothing the citizen said.
  return { ...base, kindLabel: '其他消息', lines: null };
}

const HINT_REASONS: Readonly<Record<string, string>> = {
  same_reporter_similar: '同一群众反映的相近内容',
  same_place_category: '同一地点、同一类别',
};

/** Page action → the flash key its redirect shows. */
const DONE: Readonly<Record<string, FlashKey>> = {
  release: 'released', assign: 'assigned', colour: 'colour', start: 'started', answer: 'answered', extend: 'extended',
  reject: 'rejected', duplicate: 'duplicate', close: 'closed', reopen: 'reopened',
};

/**
 * Who may correct an answer still in its hold: 督办 (supervisor, admin) any, anyone else only the
 * answer they gave (the service decides the same way).
 */
function mayCorrect(staff: StaffPrincipal, detail: TipDetail): boolean {
  if (detail.answerEditableUntil === null) return false;
  if (staff.role === 'supervisor' || staff.role === 'admin') return true;
  const given = detail.events.filter((e) => e.type === 'answer').at(-1);
  return given?.actorStaffId === staff.id;
}

/** A unit as the assignment list shows it: the name staff type, unique across Sanming. */
interface UnitOption { key: string; label: string }

function unitOptions(units: readonly UnitRow[]): UnitOption[] {
  const names = new Map(units.map((u) => [u.key, u.name]));
  return units.map((u) => ({
    key: u.key,
    label: u.kind === 'township' && u.countyCode ? `${names.get(u.countyCode) ?? ''} ${u.name}`.trim() : u.name,
  }));
}

/** The unit key for what was typed: a listed name, or a key itself. Unknown → undefined. */
function unitKeyFor(options: readonly UnitOption[], typed: string): string | undefined {
  const t = typed.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (t === '') return undefined;
  return options.find((o) => o.label === t)?.key ?? options.find((o) => o.key === t)?.key
    // A township typed without its county, when the name is unique in Sanming.
    ?? (() => {
      const hits = options.filter((o) => o.label.endsWith(` ${t}`));
      return hits.length === 1 ? hits[0]!.key : undefined;
    })();
}

/** A form that failed validation: shown again beside its fields, with what was typed. */
interface FormState {
  action: string;
  message: string;
  errors: Record<string, string>;
  values: FormFields;
}

function codeOf(ctx: Context): string {
  try {
    return parseInput(codeParam, (ctx.params as Record<string, string>).code);
  } catch {
    // A malformed code names no tip: the same answer as an unknown one.
    throw tipNotFound();
  }
}

const fieldErrors = (fields: readonly FieldError[] | undefined): Record<string, string> =>
  Object.fromEntries((fields ?? []).map((f) => [f.path, f.message]));

const nonEmpty = (fields: FormFields, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.flatMap((n) => (fields[n] !== undefined && fields[n].trim() !== '' ? [[n, fields[n]]] : [])));

export function tipPages(deps: StaffPageDeps): Router {
  const router = new Router();
  const { web } = deps;
  const guard = requireStaffPage(deps);
  const reads = deps.reads;
  const menus = menuNames(deps.config.menu.button);

  async function render(ctx: Context, code: string, opts: { identity?: boolean; identityReason?: string; form?: FormState; flash?: Flash } = {}) {
    const staff = ctx.state.staff!;
    const detail = await tipDetail(reads, staff, code, opts.identity === true, opts.identityReason);
    const tip = detail.tip;
    const row = await reads.repo.findByCode(code);
    if (!row) throw tipNotFound();
    const revealed = tip.reporter.revealed;
    const [units, hints, noticeRows, copies] = await Promise.all([
      reads.repo.units(),
      duplicateHints(reads, staff, code),
      reads.repo.models.TipNotice.findAll({ where: { tipId: row.id }, order: [['id', 'ASC']] }),
      reads.repo.models.TipMedia.findAll({ attributes: ['position', 'state'], where: { tipId: row.id } }),
    ]);
    const copyState = new Map(copies.map((c) => [c.position, c.state]));
    const names = await unitNames(reads.repo);
    const transcript = Array.isArray(detail.transcript) ? (detail.transcript as Array<Record<string, unknown>>) : [];
    const attachments = Array.isArray(tip.attachments) ? (tip.attachments as Array<Record<string, unknown>>) : [];
    const allowed = new Set(detail.allowedActions);
    const now = new Date();
    const place = placeName(tip, names);
    web.render(ctx, 'tip.njk', {
      title: `事项 ${tip.code}`,
      flash: opts.flash,
      form: opts.form ?? null,
      tip,
      descriptionLines: linesOf(tip.description),
      place,
      // The citizen's words for the place, unless they only repeat the township's name.
      placeText: tip.place.text && !place.endsWith(tip.place.text) ? tip.place.text : null,
      clock: clockOf(tip, now),
      unitName: tip.unitKey ? names.get(tip.unitKey) ?? tip.unitKey : null,
      objectionUntil: detail.objectionUntil,
      answerEditableUntil: detail.answerEditableUntil,
      transcript: transcript.map((e) => transcriptLine(e, menus)),
      attachments: attachments.map((a, i) => {
        const state = copyState.get(i + 1);
        const recording = a.type === 'voice' || a.type === 'video';
        const restricted = recording && !mayOpenRecording(staff, row);
        // One WeChat no longer gives is not offered as a link that would answer 404.
        const url = state === 'failed' || restricted ? null : attachmentUrl(tip.code, i + 1);
        return {
          n: i + 1, label: attachmentLabel(a.type),
          src: a.type === 'image' ? url : null,
          download: recording ? url : null,
          listen: a.type === 'voice' && url ? listenUrl(tip.code, i + 1) : null,
          restricted,
          kept: COPY_STATES[state ?? ''] ?? null,
        };
      }),
      additions: detail.events.filter((e) => e.type === 'citizen_added').length,
      events: detail.events.map((e) => ({
        ...e,
        label: EVENT_LABELS[e.type] ?? (e.toState && isTipState(e.toState) ? STATE_LABELS[e.toState] : '其他'),
        who: e.actorType === 'citizen' ? '群众' : e.actorType === 'system' ? '系统' : e.actorName ?? '工作人员',
        noteLines: e.note ? linesOf(e.note) : null,
        reasonLabel: TEXT_LABELS[e.type] ?? '原因',
      })),
      notices: noticeRows.map((n) => ({
        at: n.createdAt,
        lines: linesOf(revealed ? n.text : maskPersonalData(n.text)),
        state: NOTICE_STATES[n.state]?.label ?? n.state,
        delivered: NOTICE_STATES[n.state]?.delivered ?? false,
        failed: n.state === 'failed',
        deliveredAt: n.deliveredAt,
      })),
      hints: hints.map((h) => ({
        ...h,
        stateLabel: isTipState(h.state) ? STATE_LABELS[h.state] : h.state,
        reasonLabel: HINT_REASONS[h.reason] ?? '内容相近',
      })),
      revealed,
      canRevealIdentity: !revealed && !tip.reporter.anonymous && can(staff, 'tip.view_identity'),
      identityWithheldReason: detail.identityWithheldReason,
      // The held answer as this view shows it carries masks: a correction must write them out.
      answerMasked: carriesMask(tip.answer ?? ''),
      can: {
        claim: allowed.has('claim'),
        release: allowed.has('release'),
        assign: allowed.has('assign'),
        colour: can(staff, 'tip.set_colour'),
        start: allowed.has('start'),
        answer: allowed.has('answer'),
        // The answer comes after 开始办理 (the state machine's rule): say so where the form would be.
        answerAfterStart: tip.state === 'assigned' && allowed.has('start'),
        correctAnswer: mayCorrect(staff, detail),
        extend: allowed.has('extend') && tip.extensionDays === 0,
        reject: allowed.has('reject'),
        duplicate: allowed.has('mark_duplicate'),
        close: allowed.has('close'),
        reopen: allowed.has('reopen'),
      },
      sensitive: tip.legalType === 'accusation' || tip.category === 'report',
      units: allowed.has('assign') ? unitOptions(units) : [],
      colours: COLOURS.map((c) => ({ value: c, label: COLOUR_LABELS[c] })),
      selectedColour: opts.form?.action === 'colour' ? opts.form.values.colour : tip.colour,
      maxExtensionDays: MAX_EXTENSION_DAYS,
    });
  }

  router.get(TIP_PATH, guard, async (ctx) => {
    await render(ctx, codeOf(ctx));
  });

  /**
   * One action form: read (CSRF checked), run, then redirect to the tip (303). A refusal the
   * staff member can fix (400) or that the tip's state explains (409) shows the page again with
   * the message beside the form and what was typed; anything else goes to the error boundary.
   */
  const action = (name: string, run: (staff: StaffPrincipal, code: string, fields: FormFields) => Promise<unknown>) => {
    router.post(`${TIP_PATH}/${name}`, guard, async (ctx) => {
      const fields = await readForm(ctx, web.csrf, 32 * 1024);
      const code = codeOf(ctx);
      try {
        await run(ctx.state.staff!, code, fields);
      } catch (err) {
        const e = toAppError(err);
        if (e.status !== 400 && e.status !== 409) throw err;
        ctx.status = e.status;
        const { _csrf: _token, ...values } = fields;
        await render(ctx, code, { form: { action: name, message: e.message, errors: fieldErrors(e.fields), values } });
        return;
      }
      const done = DONE[name];
      if (done) redirectWith(ctx, `/staff/tips/${code}`, done);
      else seeOther(ctx, `/staff/tips/${code}`);
    });
  };

  const s = deps.service;
  action('release', (staff, code) => s.release(staff, code));
  action('start', (staff, code) => s.start(staff, code));
  action('assign', async (staff, code, f) => {
    const options = unitOptions(await reads.repo.units());
    const unitKey = unitKeyFor(options, f.unit ?? '');
    const accusedUnitKey = unitKeyFor(options, f.accused ?? '');
    const bad: FieldError[] = [];
    if (!unitKey) bad.push({ path: 'unit', message: f.unit?.trim() ? '没有这个单位，请从列表中选择' : '请选择交办单位' });
    if (f.accused?.trim() && !accusedUnitKey) bad.push({ path: 'accused', message: '没有这个单位，请从列表中选择' });
    if (bad.length > 0) throw new AppError('VALIDATION_FAILED', 400, '输入有误，请检查后重试', { fields: bad });
    const input = parseInput(assignSchema, { unitKey, ...(accusedUnitKey ? { accusedUnitKey } : {}), ...nonEmpty(f, ['reason']) });
    return s.assign(staff, code, input);
  });
  action('colour', (staff, code, f) => {
    const i = parseInput(colourSchema, { colour: f.colour, reason: f.reason });
    return s.setColour(staff, code, i.colour, i.reason);
  });
  action('answer', async (staff, code, f) => {
    const { answer } = parseInput(answerSchema, { answer: f.answer });
    await assertMayAnswer(staff, code);
    return s.answer(staff, code, answer);
  });
  action('extend', (staff, code, f) => {
    const days = f.days?.trim() ? Number(f.days) : undefined;
    const i = parseInput(extendSchema, { days, reason: f.reason });
    return s.extend(staff, code, i.days, i.reason);
  });
  action('reject', (staff, code, f) => s.reject(staff, code, parseInput(reasonSchema, { reason: f.reason }).reason));
  action('duplicate', (staff, code, f) => {
    const i = parseInput(duplicateSchema, nonEmpty(f, ['of', 'reason']));
    return s.markDuplicate(staff, code, i.of, i.reason);
  });
  action('close', (staff, code, f) => s.close(staff, code, parseInput(optionalReasonSchema, nonEmpty(f, ['reason'])).reason));
  action('reopen', (staff, code, f) => s.reopen(staff, code, parseInput(reasonSchema, { reason: f.reason }).reason));

  /** The preview only for an answer the state machine and the policy would take. */
  async function assertMayAnswer(staff: StaffPrincipal, code: string) {
    const detail = await tipDetail(reads, staff, code, false);
    if (detail.allowedActions.includes('answer')) return;
    assertCan(staff, 'tip.answer');
    throw new AppError('TIP_NOT_STARTED', 409, detail.tip.state === 'assigned' ? '请先点击「开始办理」，办理后再答复' : '当前状态不能答复');
  }

  // A correction while the answer is held (tips.answerHoldMinutes): the citizen gets only the last text.
  router.post(`${TIP_PATH}/answer/correct`, guard, async (ctx) => {
    const fields = await readForm(ctx, web.csrf, 32 * 1024);
    const code = codeOf(ctx);
    try {
      const { answer } = parseInput(answerSchema, { answer: fields.answer });
      await s.correctAnswer(ctx.state.staff!, code, answer);
    } catch (err) {
      const e = toAppError(err);
      if (e.status !== 400 && e.status !== 409) throw err;
      ctx.status = e.status;
      await render(ctx, code, { form: { action: 'correct', message: e.message, errors: fieldErrors(e.fields), values: { answer: fields.answer ?? '' } } });
      return;
    }
    redirectWith(ctx, `/staff/tips/${code}`, 'corrected');
  });

  // What the citizen will read, word for word (the same builder the notice uses), before sending.
  router.post(`${TIP_PATH}/answer/preview`, guard, async (ctx) => {
    const fields = await readForm(ctx, web.csrf, 32 * 1024);
    const code = codeOf(ctx);
    const staff = ctx.state.staff!;
    let answer: string;
    try {
      answer = parseInput(answerSchema, { answer: fields.answer }).answer;
      await assertMayAnswer(staff, code);
    } catch (err) {
      const e = toAppError(err);
      if (e.status !== 400 && e.status !== 409) throw err;
      ctx.status = e.status;
      await render(ctx, code, { form: { action: 'answer', message: e.message, errors: fieldErrors(e.fields), values: { answer: fields.answer ?? '' } } });
      return;
    }
    const notice = citizenNoticeFor('answered', { trackingCode: code, answer }) ?? '';
    web.render(ctx, 'answer-preview.njk', { title: `答复预览 ${code}`, code, answer, noticeLines: linesOf(notice), holdMinutes: deps.config.tips.answerHoldMinutes });
  });

  // 「返回修改」: the tip page again, the answer form holding the text.
  router.post(`${TIP_PATH}/answer/edit`, guard, async (ctx) => {
    const fields = await readForm(ctx, web.csrf, 32 * 1024);
    await render(ctx, codeOf(ctx), { form: { action: 'answer', message: '', errors: {}, values: { answer: fields.answer ?? '' } } });
  });

  // The reporter's identity: a reason is required, the view is logged (reads.ts writes the
  // identity_viewed event before decrypting), and the page shows it once, for this response only.
  router.post(`${TIP_PATH}/identity`, guard, async (ctx) => {
    const fields = await readForm(ctx, web.csrf, 8 * 1024);
    const code = codeOf(ctx);
    const staff = ctx.state.staff!;
    let reason: string;
    try {
      reason = parseInput(reasonSchema, { reason: fields.reason }).reason;
    } catch (err) {
      const e = toAppError(err);
      ctx.status = 400;
      await render(ctx, code, { form: { action: 'identity', message: '请写明查看原因', errors: fieldErrors(e.fields), values: { reason: fields.reason ?? '' } } });
      return;
    }
    assertCan(staff, 'tip.view_identity');
    // The reason goes with the identity_viewed event (the audit trail); the log has its length
    // only: its text may name people.
    ctx.state.log.info({ staffId: staff.id, code, reasonLength: reason.length }, 'reporter identity requested (console)');
    // Never cached or kept: the identity is on this response alone.
    await render(ctx, code, { identity: true, identityReason: reason, flash: { kind: 'info', text: '本次查看已记录。请勿向无关人员透露举报人信息。' } });
  });

  // Opened by GET, these show the tip's page: what the member was looking at.
  getOpensPage(router, [...Object.keys(DONE), 'answer/preview', 'answer/edit', 'answer/correct', 'identity'].map((p) => `${TIP_PATH}/${p}`),
    [guard], (ctx) => `/staff/tips/${codeOf(ctx)}`);

  return router;
}
