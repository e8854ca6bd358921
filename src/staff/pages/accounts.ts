// The admin's account pages (`staff.manage`): the list with each member's last sign-in, creating a
// member, disabling and enabling, and resetting a password. New and reset passwords are one-time
// passwords that the member must replace at their first sign-in.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Database } from '../../db/index.js';
import { AppError, forbidden, notFound, unauthorized } from '../../platform/errors.js';
import { can } from '../../tips/policy.js';
import { ROLE_LABELS, isRole, type Role } from '../../tips/types.js';
import { readForm, seeOther, type WebBase } from '../../web/index.js';
import {
  createStaff, generateOneTimePassword, listUnits, resetPassword, setStaffActive,
  type StaffModels, type StaffPrincipal, type UnitOption,
} from '../accounts.js';
import type { SessionStore } from '../sessions.js';
import type { AttentionLookup } from './attention.js';
import { getOpensPage, requireStaffPage, setFlash } from './guard.js';

export interface AccountPageDeps {
  web: WebBase;
  db: Database;
  models: StaffModels;
  sessions: SessionStore;
  attention?: AttentionLookup | undefined;
  /** scrypt's cost for the one-time passwords' hashes (config staff.passwordCost). */
  passwordCost: number;
}

export const ACCOUNTS_PATH = '/staff/accounts';

/** What the create form holds; kept when the form comes back with a refusal. */
interface AccountForm { username: string; displayName: string; role: string; countyCode: string; townshipCode: string; unitKey: string }

const EMPTY_FORM: AccountForm = { username: '', displayName: '', role: 'county', countyCode: '', townshipCode: '', unitKey: '' };

/** createStaff's refusals, shown beside the form; anything else goes to the error boundary. */
const SHOWN_ON_FORM = new Set(['STAFF_INVALID', 'STAFF_EXISTS']);

const ROLE_OPTIONS = (Object.entries(ROLE_LABELS) as Array<[Role, string]>).map(([value, label]) => ({ value, label }));

function admin(ctx: Context): StaffPrincipal {
  const staff = ctx.state.staff;
  if (!staff) throw unauthorized();
  return staff;
}

function requireManage(ctx: Context, next: Next) {
  if (!can(admin(ctx), 'staff.manage')) throw forbidden('FORBIDDEN', '只有系统管理员可以管理账号');
  return next();
}

function idParam(ctx: Context): number {
  const raw = (ctx.params as Record<string, string | undefined>).id ?? '';
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) throw notFound('STAFF_NOT_FOUND', '没有这个账号');
  return Number(raw);
}

/** The units the pickers offer: counties, townships grouped under their county, city and departments. */
function pickerOptions(units: readonly UnitOption[]) {
  const counties = units.filter((u) => u.kind === 'county');
  return {
    counties,
    townshipGroups: counties.map((c) => ({ county: c, townships: units.filter((u) => u.kind === 'township' && u.countyCode === c.key) })),
    otherUnits: units.filter((u) => u.kind === 'city' || u.kind === 'department'),
  };
}

export function accountPages(deps: AccountPageDeps): Router {
  const router = new Router({ prefix: ACCOUNTS_PATH });
  const { web, models, sessions } = deps;
  const guard = requireStaffPage(deps);

  const log = (ctx: Context, staffId: number, action: string) => {
    ctx.state.log.info({ adminId: admin(ctx).id, staffId, action }, 'staff account changed by admin');
  };

  const showForm = async (ctx: Context, form: AccountForm, error?: string) => {
    web.render(ctx, 'accounts-new.njk', {
      title: '新建账号', form, error, roles: ROLE_OPTIONS, ...pickerOptions(await listUnits(deps.db)),
    });
  };

  /**
   * The one place a one-time password appears. It is the answer to the POST itself, not a
   * redirect: a password must not travel in a URL or wait in storage for a later GET, and pages
   * are sent `no-store`. Reloading cannot show it again (a repeated reset makes a new one).
   */
  const showIssued = (ctx: Context, staff: { username: string; displayName: string }, password: string, created: boolean) => {
    web.render(ctx, 'accounts-issued.njk', { title: created ? '账号已建好' : '密码已重置', created, account: staff, password });
  };

  router.get('/', guard, requireManage, async (ctx) => {
    const me = admin(ctx);
    const units = new Map((await listUnits(deps.db)).map((u) => [u.key, u.name]));
    const name = (key: string | null) => (key ? units.get(key) ?? key : '');
    const rows = await models.Staff.findAll({ order: [['id', 'ASC']] });
    const accounts = rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.displayName,
      roleLabel: isRole(r.role) ? ROLE_LABELS[r.role] : r.role,
      unitName: name(r.unitKey),
      countyName: name(r.countyCode),
      townshipName: name(r.townshipCode),
      active: r.active,
      mustChangePassword: r.mustChangePassword,
      lastLoginAt: r.lastLoginAt,
      self: r.id === me.id,
    }));
    web.render(ctx, 'accounts.njk', { title: '账号管理', accounts });
  });

  router.get('/new', guard, requireManage, async (ctx) => {
    await showForm(ctx, EMPTY_FORM);
  });

  router.post('/', guard, requireManage, async (ctx) => {
    const fields = await readForm(ctx, web.csrf, 8 * 1024);
    const form: AccountForm = {
      username: (fields.username ?? '').trim(),
      displayName: (fields.displayName ?? '').trim(),
      role: fields.role ?? '',
      countyCode: fields.countyCode ?? '',
      townshipCode: fields.townshipCode ?? '',
      unitKey: fields.unitKey ?? '',
    };
    const refuse = async (status: number, message: string) => {
      ctx.status = status;
      await showForm(ctx, form, message);
    };
    if (form.username === '' || form.displayName === '') return refuse(400, '请填写用户名和姓名');
    const password = generateOneTimePassword();
    try {
      const staff = await createStaff(deps.db, models, {
        username: form.username,
        displayName: form.displayName,
        role: form.role,
        countyCode: form.countyCode || null,
        townshipCode: form.townshipCode || null,
        unitKey: form.unitKey || null,
        password,
        mustChangePassword: true,
      }, { passwordCost: deps.passwordCost });
      log(ctx, staff.id, 'staff.create');
      showIssued(ctx, staff, password, true);
    } catch (err) {
      if (!(err instanceof AppError) || !SHOWN_ON_FORM.has(err.code)) throw err;
      return refuse(err.status, err.message);
    }
  });

  router.post('/:id/disable', guard, requireManage, async (ctx) => {
    await readForm(ctx, web.csrf, 4 * 1024);
    const id = idParam(ctx);
    if (id === admin(ctx).id) throw new AppError('STAFF_SELF', 400, '不能停用自己的账号');
    await setStaffActive(models, id, false);
    await sessions.revokeAll(id);
    log(ctx, id, 'staff.disable');
    setFlash(ctx, 'account-disabled');
    seeOther(ctx, ACCOUNTS_PATH);
  });

  router.post('/:id/enable', guard, requireManage, async (ctx) => {
    await readForm(ctx, web.csrf, 4 * 1024);
    const id = idParam(ctx);
    await setStaffActive(models, id, true);
    log(ctx, id, 'staff.enable');
    setFlash(ctx, 'account-enabled');
    seeOther(ctx, ACCOUNTS_PATH);
  });

  router.post('/:id/reset-password', guard, requireManage, async (ctx) => {
    await readForm(ctx, web.csrf, 4 * 1024);
    const id = idParam(ctx);
    // Resetting one's own would end this very session: the password page is the way for that.
    if (id === admin(ctx).id) throw new AppError('STAFF_SELF', 400, '自己的密码请在“修改密码”页面修改');
    const { staff, password } = await resetPassword(models, id, { passwordCost: deps.passwordCost });
    await sessions.revokeAll(id);
    log(ctx, id, 'staff.reset-password');
    showIssued(ctx, staff, password, false);
  });

  // The reset password's one-time page has the POST's address: opened again, the list.
  getOpensPage(router, ['disable', 'enable', 'reset-password'].map((p) => `/:id/${p}`), [guard, requireManage], () => ACCOUNTS_PATH);

  return router;
}
