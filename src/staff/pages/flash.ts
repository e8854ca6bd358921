// The one-line message an action leaves for the page it redirects to (Post/Redirect/Get): a
// short-lived cookie holding only a key of this table, so nothing but these fixed texts can ever
// be shown through it, and a reload or a shared link shows nothing.
import type { Context } from 'koa';
import { seeOther } from '../../web/index.js';

export interface Flash { kind: 'ok' | 'error' | 'info'; text: string }

export const FLASHES = {
  claimed: { kind: 'ok', text: '已领取该事项，请尽快处理。' },
  'queue-empty': { kind: 'info', text: '目前没有待领取的事项。' },
  'code-invalid': { kind: 'error', text: '编号格式不正确，请核对后重新输入。编号以 SM 开头，共14位。' },
  'code-not-found': { kind: 'error', text: '没有找到该编号的事项。' },
  'not-claimable': { kind: 'error', text: '该事项已被领取或已在办理，不能再领取。' },
  released: { kind: 'ok', text: '已退回待领取队列。' },
  assigned: { kind: 'ok', text: '已交办。' },
  colour: { kind: 'ok', text: '已调整颜色等级。' },
  started: { kind: 'ok', text: '已开始办理。' },
  answered: { kind: 'ok', text: '答复已保存。' },
  corrected: { kind: 'ok', text: '答复已更正，群众只会收到更正后的内容。' },
  extended: { kind: 'ok', text: '已延长办理期限，并告知群众。' },
  rejected: { kind: 'ok', text: '已作不予受理处理，并告知群众。' },
  duplicate: { kind: 'ok', text: '已标记为重复反映。' },
  closed: { kind: 'ok', text: '已办结。' },
  reopened: { kind: 'ok', text: '已登记复查。' },
  filters: { kind: 'error', text: '筛选条件有误，已显示全部事项。' },
  'password-changed': { kind: 'ok', text: '密码已修改。以后请用新密码登录。' },
  'account-disabled': { kind: 'ok', text: '账号已停用，该账号已被退出登录。' },
  'account-enabled': { kind: 'ok', text: '账号已启用。' },
} as const satisfies Record<string, Flash>;
export type FlashKey = keyof typeof FLASHES;

export const FLASH_COOKIE = 'pasm_flash';
/** The console's path: the cookie goes to its pages only. */
const FLASH_PATH = '/staff';

export const isFlashKey = (v: string | undefined): v is FlashKey => v !== undefined && Object.hasOwn(FLASHES, v);

/** Leaves a message for the next console page. */
export function setFlash(ctx: Context, key: FlashKey): void {
  ctx.cookies.set(FLASH_COOKIE, key, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: FLASH_PATH, maxAge: 60_000, overwrite: true });
}

export function clearFlash(ctx: Context): void {
  ctx.cookies.set(FLASH_COOKIE, null, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: FLASH_PATH, overwrite: true });
}

/** Leaves the message and redirects (303: the browser GETs the page). */
export function redirectWith(ctx: Context, to: string, key: FlashKey): void {
  setFlash(ctx, key);
  seeOther(ctx, to);
}
