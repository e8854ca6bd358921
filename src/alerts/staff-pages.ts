// The staff pages of alerts (/staff/alerts…), on the console's web base and the article editor's
// model: the list with each published alert's reach, the citizens' candidate identifiers to
// review (确认是诈骗 / 不是诈骗) and those staff confirmed; the
// compose/edit form with the live preview (editor.js, the article preview endpoint: the same
// renderer); the state actions, publishing with the push's channels; and the 「推送」 section with
// its progress, reasons and pause / resume / cancel, polled by alerts.js from pushes.json.
// Every read and change goes through the alert service and the push desk, as the JSON API's do:
// a page never offers what they would refuse. Post/Redirect/Get with a fixed `?done=` message; a
// refusal the editor can act on shows the page again with the message and the input kept.
import Router from '@koa/router';
import type { Context } from 'koa';
import nunjucks from 'nunjucks';
import { pick } from '../articles/pages/common.js';
import { beijingLocal, fromBeijingLocal } from '../platform/beijing-time.js';
import { renderMarkdown } from '../articles/render.js';
import { ArticleRuleError, type ArticleRuleOptions } from '../articles/rules.js';
import { ARTICLE_STATE_LABELS, ARTICLE_STATES, type ArticleActor, type ArticleState } from '../articles/types.js';
import { toAppError } from '../http/middleware.js';
import { AppError, type FieldError } from '../platform/errors.js';
import { requireStaffPage } from '../staff/pages/guard.js';
import type { SessionStore } from '../staff/sessions.js';
import { parseInput } from '../tips/validation.js';
import { readForm, seeOther, type FormFields, type WebBase } from '../web/index.js';
import { FRAUD_TYPE_KEYS } from './fraud/index.js';
import { alertPath, regionLabel, type AlertNames } from './present.js';
import type { ChannelOption, PushDesk, PushSteer, PushSummary } from './push-desk.js';
import { PUSH_CHANNELS, type PushChannel } from './push/rules.js';
import { SCAM_REVIEW_ACTIONS, type ScamCandidate, type ScamReports, type ScamReviewAction } from './reports/service.js';
import { reviewInput } from './reports/validation.js';
import { KIND_LABELS } from './routes.js';
import { alertActions, type AlertService } from './service.js';
import { ALERT_SEVERITIES, isCurrent, SEVERITY_LABELS, type Alert, type AlertAction, type AlertContent, type CountyName } from './types.js';
import { alertContentSchema, contentOf } from './validation.js';

export const ALERTS_PAGE = '/staff/alerts';

export interface AlertStaffPageDeps {
  web: WebBase;
  sessions: SessionStore;
  service: AlertService;
  reports: ScamReports;
  options: ArticleRuleOptions;
  names: AlertNames;
  counties: readonly CountyName[];
  /** The pushes; absent, the pages show no reach, channels or pushes. */
  desk?: PushDesk | undefined;
  /** Display names of staff members by id (who last changed an alert). */
  staffNames(ids: readonly (number | null)[]): Promise<Map<number, string>>;
  /** Config `publicOrigin`: the public page's address as citizens get it. */
  origin: string;
  now: () => Date;
}

/** A form carries the whole body (URL-encoded Chinese is 9 bytes a character). */
const FORM_LIMIT = 1024 * 1024;
const DEFAULT_AUTHOR = '三明市公安局反诈中心';
/** A new alert is current for a week unless the writer says otherwise. */
const DEFAULT_DAYS = 7;
/** Candidates shown on the list, the most reported first; and confirmed ones, the latest first. */
const CANDIDATES_SHOWN = 20;

/** What the list says after a review (`?done=<key>`): fixed texts, as DONE_MESSAGES. */
export const REVIEW_DONE_MESSAGES = {
  confirm: '已确认是诈骗。市民用「鉴诈」查到它时，会看到【高风险】提醒。',
  dismiss: '已记为不是诈骗。市民用「鉴诈」查它时不会看到提醒。',
} as const satisfies Record<ScamReviewAction, string>;

/** What each action's redirect says (`?done=<key>`): fixed texts, so a URL can show nothing else. */
export const DONE_MESSAGES = {
  created: '草稿已保存。写好后点「提交审核」。',
  saved: '已保存。',
  'saved-live': '已保存，公开页面已是新内容。已经发出去的消息不会再发。',
  submitted: '已提交审核，等待另一位编辑或管理员发布。',
  published: '已发布。正在推送给关注者，进度见下面的「推送」。',
  unpublished: '已撤下，公开页面不再显示这条预警。',
  draft: '已退回草稿，可以继续修改。',
  paused: '推送已暂停。点「继续」可以接着发。',
  resumed: '推送已继续。',
  cancelled: '推送已取消，还没发出的不会再发。',
} as const satisfies Record<string, string>;

/** What the form's fields hold, as typed. */
interface FormValues {
  title: string;
  summary: string;
  fraudType: string;
  severity: string;
  /** `all` (全市) or `counties` (the ticked ones). */
  scope: string;
  counties: string[];
  /** datetime-local, Beijing time. */
  validUntil: string;
  author: string;
  body: string;
  baseRevision: string;
}

interface PageState {
  values: FormValues;
  errors?: Record<string, string>;
  message?: string;
  preview?: boolean;
  status?: number;
  /** The channels ticked in the publish form (kept after a refusal). */
  channels?: readonly PushChannel[];
  /** A refusal of the publish form, shown in it. */
  publishError?: string;
  /** A refusal of a push action, shown in the push section. */
  pushError?: string;
  /** What the form held when the page first showed it (default: the saved alert, or the blank form). */
  pristine?: FormValues;
}

const lf = (s: string | undefined) => (s ?? '').replace(/\r\n?/g, '\n');

/** The alert id of the URL; anything but a positive integer names no alert (404). */
function alertIdOf(ctx: Context, param = 'id'): number {
  const raw = (ctx.params as Record<string, string>)[param] ?? '';
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) {
    throw new ArticleRuleError(param === 'id' ? 'ALERT_NOT_FOUND' : 'ALERT_PUSH_NOT_FOUND', 404, param === 'id' ? '没有找到这条预警' : '没有找到这次推送');
  }
  return Number(raw);
}

function actorOf(ctx: Context): ArticleActor {
  const staff = ctx.state.staff;
  // requireStaffPage runs before every handler here; without it there is no page.
  if (!staff) throw new ArticleRuleError('FORBIDDEN', 403, '无权执行此操作');
  return { id: staff.id, role: staff.role };
}

function valuesOf(a: Alert): FormValues {
  return {
    title: a.title, summary: a.summary, fraudType: a.fraudType, severity: a.severity, scope: a.counties.length ? 'counties' : 'all',
    counties: [...a.counties], validUntil: beijingLocal(a.validUntil), author: a.author, body: a.body, baseRevision: String(a.revision),
  };
}

function valuesFrom(f: FormFields, counties: readonly CountyName[]): FormValues {
  return {
    title: f.title ?? '', summary: f.summary ?? '', fraudType: f.fraudType ?? '', severity: f.severity ?? '', scope: f.scope ?? '',
    counties: counties.filter((c) => f[`county-${c.code}`] === '1').map((c) => c.code),
    validUntil: (f.validUntil ?? '').trim(), author: f.author ?? '', body: lf(f.body), baseRevision: f.baseRevision ?? '',
  };
}

/** Whether the form holds other content than `b` (the base revision aside). */
const differs = (a: FormValues, b: FormValues) =>
  (['title', 'summary', 'fraudType', 'severity', 'scope', 'validUntil', 'author', 'body'] as const).some((k) => a[k] !== b[k])
  || a.counties.join() !== b.counties.join();

/** The words a field's refusal is shown with, where the schema's own would name codes. */
const FIELD_MESSAGES: Readonly<Record<string, string>> = {
  fraudType: '请选择诈骗类型',
  severity: '请选择严重程度',
  counties: '请至少勾选一个县（市、区），或者选「全市」',
  validUntil: '请选好有效期的日期和时间（北京时间）',
};

function fieldErrors(fields: readonly FieldError[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields ?? []) out[f.path] ??= f.message;
  return out;
}

function messageFor(code: string, message: string, latest?: number): string {
  if (code === 'ALERT_STALE') {
    return `在你编辑的时候，别人保存了新的版本（第 ${latest ?? '?'} 版）。你的修改还在下面，没有保存。确认要用你的版本覆盖时，再点一次「保存」。`;
  }
  if (code === 'VALIDATION_FAILED') return '有几项没有填好，请按红字提示修改后再保存。';
  return message;
}

/** The service's input from the form; a refusal names the field it concerns. */
function contentFrom(v: FormValues, schema: ReturnType<typeof alertContentSchema>, saved: Alert | undefined) {
  const problems: FieldError[] = [];
  if (v.scope !== 'all' && v.scope !== 'counties') problems.push({ path: 'counties', message: FIELD_MESSAGES.counties! });
  if (v.scope === 'counties' && v.counties.length === 0) problems.push({ path: 'counties', message: FIELD_MESSAGES.counties! });
  if (v.scope === 'all' && v.counties.length > 0) {
    problems.push({ path: 'counties', message: '选了「全市」，又勾了县（市、区）。只发给某些县，请选「只发给下面勾选的县（市、区）」；发给全市，请把勾去掉。' });
  }
  // A time left as the page showed it keeps the stored instant (the form has no seconds).
  const until = saved && v.validUntil === beijingLocal(saved.validUntil) ? saved.validUntil : fromBeijingLocal(v.validUntil);
  if (!until) problems.push({ path: 'validUntil', message: FIELD_MESSAGES.validUntil! });
  const base = /^[1-9]\d{0,9}$/.test(v.baseRevision) ? Number(v.baseRevision) : undefined;
  let parsed: (AlertContent & { baseRevision?: number | undefined }) | undefined;
  try {
    parsed = parseInput(schema, {
      title: v.title, summary: v.summary, fraudType: v.fraudType, severity: v.severity, counties: v.scope === 'counties' ? v.counties : [],
      body: v.body, validUntil: until ? until.toISOString() : '', author: v.author, ...(base !== undefined ? { baseRevision: base } : {}),
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
    // A field's first refusal, in the form's words where the schema's would name codes.
    for (const f of err.fields ?? []) {
      const key = f.path.split('.')[0] ?? f.path;
      problems.push({ path: key, message: FIELD_MESSAGES[key] ?? f.message });
    }
  }
  if (problems.length || !parsed) throw new AppError('VALIDATION_FAILED', 400, '输入有误，请检查后重试', { fields: problems });
  return { content: contentOf(parsed), baseRevision: parsed.baseRevision };
}

/** The blank form, or one begun from a candidate identifier citizens reported. */
function blankValues(now: Date, candidate: ScamCandidate | undefined): FormValues {
  const until = new Date(now.getTime() + DEFAULT_DAYS * 86_400_000);
  return {
    title: '', summary: '', fraudType: '', severity: '', scope: 'all', counties: [],
    // The end of that Beijing day: 23:59.
    validUntil: `${beijingLocal(until).slice(0, 10)}T23:59`,
    author: DEFAULT_AUTHOR, body: candidate ? candidateBody(candidate) : '', baseRevision: '',
  };
}

const CANDIDATE_ADVICE: Readonly<Record<ScamCandidate['kind'], string>> = {
  phone: '接到这个号码的电话，请直接挂断，不要转账，不要把验证码告诉对方。',
  url: '不要打开这个网址，更不要在上面填写银行卡号、密码和验证码。',
  account: '不要加这个账号，不要给对方转账，不要按对方说的下载软件。',
};

/**
 * The start of an alert about a reported identifier. The identifier goes in a code span: a
 * reported address must never become a link citizens can tap.
 */
function candidateBody(c: ScamCandidate): string {
  const noun = KIND_LABELS[c.kind];
  const id = c.identifier.replace(/`/g, '');
  return [
    '## 骗子怎么说', '', '（请写下骗子怎么说、怎么骗。）', '',
    `## 被多位市民举报的${noun}`, '', `\`${id}\`（已有 ${c.citizens} 位市民举报）`, '',
    '## 怎么办', '', `${CANDIDATE_ADVICE[c.kind]}拿不准就拨打反诈专线 96110；已经转了钱，请马上拨打 110 报警。`, '',
  ].join('\n');
}

function actionsFor(allowed: readonly AlertAction[], a: Alert) {
  const has = (x: AlertAction) => allowed.includes(x);
  return {
    submit: has('submit'),
    publish: has('publish'),
    unpublish: has('unpublish'),
    // 退回草稿 is an edit that keeps the text: the state machine sends in_review and unpublished to draft.
    draft: has('edit') && (a.state === 'in_review' || a.state === 'unpublished'),
    edit: has('edit'),
  };
}

const stateChip = (s: ArticleState) => ({ value: s, label: ARTICLE_STATE_LABELS[s] });

/** The channels ticked in the publish form. */
const channelsFrom = (f: FormFields): PushChannel[] => PUSH_CHANNELS.filter((c) => f[`channel-${c}`] === '1');

export function alertStaffPages(deps: AlertStaffPageDeps): Router {
  const router = new Router();
  const { web, service, names, desk } = deps;
  const guard = requireStaffPage(deps);
  const schema = alertContentSchema(deps.counties);
  const fraudTypes = FRAUD_TYPE_KEYS.map((k) => ({ value: k, label: names.fraudType(k) }));
  const severities = ALERT_SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }));

  const load = async (ctx: Context) => (await service.get(actorOf(ctx), alertIdOf(ctx))).alert;

  async function publishSection(alert: Alert, chosen: readonly PushChannel[] | undefined) {
    if (!desk) return null;
    const { reach, quota, massNeeded, options } = await desk.channelOptions(alert);
    const ticked = new Set(chosen ?? ['custom']);
    return {
      reach, quota, massNeeded, region: regionLabel(alert.counties, names),
      options: options.map((o: ChannelOption) => ({ ...o, checked: o.available && ticked.has(o.channel) })),
    };
  }

  async function renderEditor(ctx: Context, alert: Alert | undefined, state: PageState): Promise<void> {
    const actor = actorOf(ctx);
    const now = deps.now();
    // The buttons offer what the service allows: judged with the writers of the text under review.
    const allowed = alert ? alertActions(actor, await service.publisherFacts(alert), deps.options) : [];
    const can = alert ? actionsFor(allowed, alert) : { edit: true, submit: false, publish: false, unpublish: false, draft: false };
    const staffNames = alert ? await deps.staffNames([alert.updatedBy, alert.createdBy]) : new Map<number, string>();
    const doneKey = pick(DONE_MESSAGES, ctx.query.done);
    const pushes = alert && desk ? await desk.pushes(alert.id) : [];
    const v = state.values;
    web.render(ctx, 'alerts-staff-editor.njk', {
      title: alert ? `编辑预警：${alert.title}` : '写新预警',
      alert: alert ? {
        id: alert.id, title: alert.title, revision: alert.revision, state: stateChip(alert.state), current: isCurrent(alert, now),
        validUntil: alert.validUntil, updatedAt: alert.updatedAt, createdAt: alert.createdAt, publishedAt: alert.publishedAt,
        region: regionLabel(alert.counties, names),
        updatedByName: alert.updatedBy !== null ? staffNames.get(alert.updatedBy) ?? '工作人员' : '系统',
        createdByName: alert.createdBy !== null ? staffNames.get(alert.createdBy) ?? '工作人员' : '系统',
        publicUrl: alert.state === 'published' ? `${deps.origin}${alertPath(alert.id)}` : null,
      } : null,
      action: alert ? `${ALERTS_PAGE}/${alert.id}` : `${ALERTS_PAGE}/new`,
      values: v,
      errors: state.errors ?? {},
      message: state.message ?? null,
      preview: state.preview ? new nunjucks.runtime.SafeString(renderMarkdown(v.body)) : null,
      can,
      fraudTypes,
      severities,
      counties: deps.counties.map((c) => ({ code: c.code, name: c.name, checked: v.counties.includes(c.code) })),
      validMin: beijingLocal(now),
      // An alert past its date cannot be published (ALERT_EXPIRED): no form, a word on what to do.
      publish: alert && can.publish && isCurrent(alert, now) ? await publishSection(alert, state.channels) : null,
      publishError: state.publishError ?? null,
      pushes: alert && (pushes.length || alert.state === 'published') && desk ? pushes : null,
      pushActive: pushes.some((p) => p.active),
      pushError: state.pushError ?? null,
      canSteer: alert ? service.maySteerPush(actor, alert) : false,
      flash: doneKey ? { kind: 'ok', text: DONE_MESSAGES[doneKey as keyof typeof DONE_MESSAGES] } : undefined,
      // The form comes back holding what was typed (「预览」 without JavaScript, a refused save): editor.js warns before leaving it.
      unsaved: differs(v, state.pristine ?? (alert ? valuesOf(alert) : blankValues(now, undefined))),
    });
    if (state.status) ctx.status = state.status;
  }

  /**
   * Runs `fn`; a refusal the editor can act on shows the page again (`state` with the message and
   * fields) instead of the error page. Not-found and roles without alert rights go to the boundary.
   */
  async function orShowEditor(ctx: Context, alert: Alert | undefined, state: PageState, fn: () => Promise<void>, where: 'form' | 'publish' | 'push' = 'form'): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const e = toAppError(err);
      if (e.status === 404 || e.code === 'FORBIDDEN' || ![400, 403, 409].includes(e.status)) throw err;
      const fresh = alert ? await load(ctx) : undefined;
      const stale = e.code === 'ALERT_STALE' && fresh !== undefined;
      const text = messageFor(e.code, e.message, fresh?.revision);
      await renderEditor(ctx, fresh, {
        ...state,
        // After a stale save the next save deliberately overwrites: the base becomes the latest.
        values: stale ? { ...state.values, baseRevision: String(fresh.revision) } : state.values,
        // The publish form shows its own refusals (the channels); rights, state and date are the page's.
        ...(where === 'push' ? { pushError: text }
          : where === 'publish' && (e.code.startsWith('ALERT_PUSH_') || e.code === 'VALIDATION_FAILED') ? { publishError: e.message }
            : { message: text, errors: where === 'form' ? fieldErrors(e.fields) : {} }),
        status: e.status,
      });
    }
  }

  router.get(ALERTS_PAGE, guard, async (ctx) => {
    const actor = actorOf(ctx);
    const state = typeof ctx.query.state === 'string' && (ARTICLE_STATES as readonly string[]).includes(ctx.query.state)
      ? ctx.query.state as ArticleState : undefined;
    const items = await service.list(actor, { state, limit: 500 });
    const now = deps.now();
    const reach = desk ? await desk.summaries(items.filter((a) => a.publishedAt !== null).map((a) => a.id)) : new Map<number, PushSummary>();
    const [candidates, confirmed] = await Promise.all([deps.reports.candidates(CANDIDATES_SHOWN), deps.reports.confirmed(CANDIDATES_SHOWN)]);
    const deciders = await deps.staffNames(confirmed.map((c) => c.decidedBy));
    const done = pick(REVIEW_DONE_MESSAGES, ctx.query.done);
    const newAlertHref = (c: { kind: string; identifier: string }) =>
      `${ALERTS_PAGE}/new?${new URLSearchParams({ kind: c.kind, identifier: c.identifier }).toString()}`;
    web.render(ctx, 'alerts-staff-list.njk', {
      title: '防骗预警',
      filter: state ?? '',
      filters: [{ value: '', label: '全部' }, ...ARTICLE_STATES.map(stateChip)],
      canWrite: service.mayWrite(actor),
      items: items.map((a) => ({
        id: a.id, title: a.title, state: stateChip(a.state), severity: a.severity, severityLabel: SEVERITY_LABELS[a.severity],
        fraudTypeName: names.fraudType(a.fraudType), region: regionLabel(a.counties, names), validUntil: a.validUntil,
        expired: !isCurrent(a, now), reach: reach.get(a.id) ?? null,
      })),
      candidates: candidates.map((c) => ({ ...c, kindLabel: KIND_LABELS[c.kind], href: newAlertHref(c) })),
      confirmed: confirmed.map((c) => ({
        ...c, kindLabel: KIND_LABELS[c.kind], href: newAlertHref(c), decidedByName: deciders.get(c.decidedBy) ?? '工作人员',
      })),
      mayReview: deps.reports.mayReview(actor),
      flash: done ? { kind: 'ok', text: REVIEW_DONE_MESSAGES[done as ScamReviewAction] } : undefined,
    });
  });

  // 确认是诈骗 / 不是诈骗 on a candidate (or a change of a confirmation), then back to the list.
  // Before /:id/…, which would read the word as an id.
  for (const action of SCAM_REVIEW_ACTIONS) {
    router.post(`${ALERTS_PAGE}/candidates/${action}`, guard, async (ctx) => {
      const actor = actorOf(ctx);
      service.assertReader(actor);
      const fields = await readForm(ctx, web.csrf, 16 * 1024);
      const { kind, identifier } = parseInput(reviewInput, { kind: fields.kind, identifier: fields.identifier });
      await deps.reports.review(actor, kind, identifier, action);
      seeOther(ctx, `${ALERTS_PAGE}?done=${action}#candidates`);
    });
  }

  router.get(`${ALERTS_PAGE}/new`, guard, async (ctx) => {
    const actor = actorOf(ctx);
    service.assertWriter(actor);
    const { kind, identifier } = ctx.query;
    let candidate: ScamCandidate | undefined;
    if (typeof kind === 'string' && typeof identifier === 'string') {
      // Only a candidate or a confirmed identifier begins a form: a link cannot put other words in it.
      candidate = await deps.reports.lookup(kind, identifier);
    }
    const values = blankValues(deps.now(), candidate);
    await renderEditor(ctx, undefined, { values, pristine: values });
  });

  router.post(`${ALERTS_PAGE}/new`, guard, async (ctx) => {
    const actor = actorOf(ctx);
    service.assertWriter(actor);
    const fields = await readForm(ctx, web.csrf, FORM_LIMIT);
    const values = valuesFrom(fields, deps.counties);
    if (fields.intent === 'preview') {
      await renderEditor(ctx, undefined, { values, preview: true });
      return;
    }
    await orShowEditor(ctx, undefined, { values, preview: true }, async () => {
      const { content } = contentFrom(values, schema, undefined);
      const created = await service.create(actor, content);
      seeOther(ctx, `${ALERTS_PAGE}/${created.id}?done=created`);
    });
  });

  // The live numbers of the push section (alerts.js), for the same session as the page.
  router.get(`${ALERTS_PAGE}/:id/pushes.json`, guard, async (ctx) => {
    // A refusal here is the script's to read: JSON from the error boundary, not the error page.
    ctx.state.htmlPage = false;
    const alert = await load(ctx);
    const pushes = desk ? await desk.pushes(alert.id) : [];
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { active: pushes.some((p) => p.active), pushes };
  });

  router.get(`${ALERTS_PAGE}/:id`, guard, async (ctx) => {
    const alert = await load(ctx);
    await renderEditor(ctx, alert, { values: valuesOf(alert) });
  });

  router.post(`${ALERTS_PAGE}/:id`, guard, async (ctx) => {
    const alert = await load(ctx);
    const fields = await readForm(ctx, web.csrf, FORM_LIMIT);
    const values = valuesFrom(fields, deps.counties);
    if (fields.intent === 'preview') {
      await renderEditor(ctx, alert, { values, preview: true });
      return;
    }
    await orShowEditor(ctx, alert, { values, preview: true }, async () => {
      const { content, baseRevision } = contentFrom(values, schema, alert);
      const saved = await service.update(actorOf(ctx), alert.id, content, baseRevision);
      seeOther(ctx, `${ALERTS_PAGE}/${alert.id}?done=${saved.state === 'published' ? 'saved-live' : 'saved'}`);
    });
  });

  /** One state action: through the service, then back to the page (303). */
  const action = (name: string, done: keyof typeof DONE_MESSAGES, run: (actor: ArticleActor, a: Alert, f: FormFields) => Promise<unknown>) => {
    router.post(`${ALERTS_PAGE}/:id/${name}`, guard, async (ctx) => {
      const alert = await load(ctx);
      const fields = await readForm(ctx, web.csrf, 16 * 1024);
      const publishing = name === 'publish';
      const state: PageState = { values: valuesOf(alert), ...(publishing ? { channels: channelsFrom(fields) } : {}) };
      await orShowEditor(ctx, alert, state, async () => {
        await run(actorOf(ctx), alert, fields);
        seeOther(ctx, `${ALERTS_PAGE}/${alert.id}?done=${done}${publishing ? '#push' : ''}`);
      }, publishing ? 'publish' : 'form');
    });
  };
  action('submit', 'submitted', (actor, a) => service.submit(actor, a.id));
  action('unpublish', 'unpublished', (actor, a) => service.unpublish(actor, a.id));
  action('publish', 'published', (actor, a, f) => {
    const channels = channelsFrom(f);
    if (channels.length === 0) {
      const text = '请至少选一种发送方式。不知道选哪种，就选「客服消息」。';
      throw new AppError('VALIDATION_FAILED', 400, text, { fields: [{ path: 'channels', message: text }] });
    }
    return service.publish(actor, a.id, { channels });
  });
  // Back to draft: an edit that keeps the text, from the revision the page showed.
  action('draft', 'draft', (actor, a, f) => {
    const base = /^[1-9]\d{0,9}$/.test(f.baseRevision ?? '') ? Number(f.baseRevision) : a.revision;
    const { title, summary, fraudType, severity, counties, body, validUntil, author } = a;
    return service.update(actor, a.id, { title, summary, fraudType, severity, counties, body, validUntil, author }, base);
  });

  const steer = (name: PushSteer, done: keyof typeof DONE_MESSAGES) => {
    router.post(`${ALERTS_PAGE}/:id/pushes/:jobId/${name}`, guard, async (ctx) => {
      const alert = await load(ctx);
      const job = alertIdOf(ctx, 'jobId');
      await readForm(ctx, web.csrf, 16 * 1024);
      if (!desk || await desk.alertOf(job) !== alert.id) throw new ArticleRuleError('ALERT_PUSH_NOT_FOUND', 404, '没有找到这次推送');
      await orShowEditor(ctx, alert, { values: valuesOf(alert) }, async () => {
        service.assertCanSteerPush(actorOf(ctx), alert);
        await desk.steer(job, name);
        seeOther(ctx, `${ALERTS_PAGE}/${alert.id}?done=${done}#push`);
      }, 'push');
    });
  };
  steer('pause', 'paused');
  steer('resume', 'resumed');
  steer('cancel', 'cancelled');

  return router;
}
