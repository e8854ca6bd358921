// Login with throttling, and the middleware that turns the session cookie into ctx.state.staff.
// Attempts are counted per canonical username (guessing one account, however it is spelt) and
// per client address (spraying many; an IPv6 client by its /64), before the password is checked;
// see throttle.ts and src/http/client-address.ts.
import type { Context, Next } from 'koa';
import { throttleAddressKey } from '../http/client-address.js';
import { AppError, unauthorized } from '../platform/errors.js';
import { findStaffByUsername, principalOf, type StaffModels, type StaffPrincipal } from './accounts.js';
import { dummyHash, verifyPassword } from './passwords.js';
import type { SessionStore } from './sessions.js';
import { sessionOf } from './session-cookie.js';
import type { LoginThrottle } from './throttle.js';
import { canonicalUsername } from './usernames.js';

export { LoginThrottle, type ThrottleOptions } from './throttle.js';

declare module 'koa' {
  interface DefaultState {
    staff?: StaffPrincipal;
  }
}

export interface AuthDeps {
  models: StaffModels;
  sessions: SessionStore;
  throttle: LoginThrottle;
  /** scrypt's cost for new hashes (config staff.passwordCost); the unknown user's dummy hash has it too. */
  passwordCost: number;
}

const throttled = () => new AppError('LOGIN_THROTTLED', 429, '登录失败次数过多，请稍后再试');
const loginFailed = () => new AppError('LOGIN_FAILED', 401, '用户名或密码错误');

/**
 * Checks the password; every refusal looks the same and takes as long, known user or not.
 * The attempt is counted first (the account's counter, then the address's) and refused past
 * either limit, so simultaneous guesses cannot all be checked; a success clears the account's
 * counter and gives its attempt back to the address.
 */
export async function login(deps: AuthDeps, username: string, password: string, ip: string): Promise<{ staff: StaffPrincipal; token: string; expiresAt: Date }> {
  const canonical = canonicalUsername(username);
  const userKey = `user:${canonical}`;
  const ipKey = `ip:${throttleAddressKey(ip)}`;
  if (!(await deps.throttle.take(userKey))) throw throttled();
  if (!(await deps.throttle.take(ipKey))) {
    // Refused before any check: it is no failure of this account.
    await deps.throttle.giveBack(userKey);
    throw throttled();
  }
  let row: Awaited<ReturnType<typeof findStaffByUsername>>;
  let ok: boolean;
  try {
    // Only the exact stored name: a name the collation merely equates is an unknown user. The
    // dummy hash is awaited whoever signs in, so its one-time making (the process's first
    // sign-in) costs a known name as much as an unknown one.
    const [found, dummy] = await Promise.all([findStaffByUsername(deps.models, canonical), dummyHash(deps.passwordCost)]);
    row = found;
    ok = await verifyPassword(password, row?.passwordHash ?? dummy);
  } catch (err) {
    // A fault of ours (the database down) is no wrong password: the attempt is given back.
    await Promise.all([deps.throttle.giveBack(userKey), deps.throttle.giveBack(ipKey)]).catch(() => undefined);
    throw err;
  }
  if (!row || !ok || !row.active) throw loginFailed();
  await Promise.all([deps.throttle.succeed(userKey), deps.throttle.giveBack(ipKey)]);
  const checkedHash = row.passwordHash;
  row.lastLoginAt = new Date();
  await row.save();
  const { token, expiresAt } = await deps.sessions.create(row.id);
  // A password change or reset, or a disable, that landed between the check and the new row has
  // already ended every session it knew of (save, then revokeAll): read the row again, so this
  // one cannot outlive it with the old password.
  const now = await deps.models.Staff.findByPk(row.id);
  if (!now || !now.active || now.passwordHash !== checkedHash) {
    await deps.sessions.revoke(token);
    throw loginFailed();
  }
  return { staff: principalOf(now), token, expiresAt };
}

/**
 * Loads the session; 401 UNAUTHENTICATED without a valid one. A member still on a password someone
 * else chose (a one-time password, `mustChangePassword`) gets 403 PASSWORD_CHANGE_REQUIRED until
 * they set their own on the console's password page, as the console's pages hold them there too;
 * `allowPendingPasswordChange` lets a route answer them anyway (`/api/staff/me`, which reports the flag).
 */
export function requireStaff(sessions: SessionStore, opts: { allowPendingPasswordChange?: boolean } = {}) {
  return async (ctx: Context, next: Next) => {
    const { staff } = await sessionOf(ctx, sessions);
    if (!staff) throw unauthorized();
    if (staff.mustChangePassword && opts.allowPendingPasswordChange !== true) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 403, '请先在工作台“修改密码”页面设置自己的密码，再使用本接口');
    }
    ctx.state.staff = staff;
    await next();
  };
}

export function currentStaff(ctx: Context): StaffPrincipal {
  const staff = ctx.state.staff;
  if (!staff) throw unauthorized();
  return staff;
}
