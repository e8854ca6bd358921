// Login with throttling, and the middleware that turns the session cookie into ctx.state.staff.
// Attempts are counted per canonical username (guessing one account, however it is spelt) and
// per client address (spraying many), before the password is checked; see throttle.ts and
// src/http/client-address.ts.
import type { Context, Next } from 'koa';
import { AppError, unauthorized } from '../platform/errors.js';
import { findStaffByUsername, principalOf, type StaffModels, type StaffPrincipal } from './accounts.js';
import { dummyHash, verifyPassword } from './passwords.js';
import { SESSION_COOKIE, type SessionStore } from './sessions.js';
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
}

const throttled = () => new AppError('LOGIN_THROTTLED', 429, '登录失败次数过多，请稍后再试');

/**
 * Checks the password; every refusal looks the same and takes as long, known user or not.
 * The attempt is counted first (the account's counter, then the address's) and refused past
 * either limit, so simultaneous guesses cannot all be checked; a success clears the account's
 * counter and gives its attempt back to the address.
 */
export async function login(deps: AuthDeps, username: string, password: string, ip: string): Promise<{ staff: StaffPrincipal; token: string; expiresAt: Date }> {
  const canonical = canonicalUsername(username);
  const userKey = `user:${canonical}`;
  const ipKey = `ip:${ip}`;
  if (!(await deps.throttle.take(userKey))) throw throttled();
  if (!(await deps.throttle.take(ipKey))) {
    // Refused before any check: it is no failure of this account.
    await deps.throttle.giveBack(userKey);
    throw throttled();
  }
  let row: Awaited<ReturnType<typeof findStaffByUsername>>;
  let ok: boolean;
  try {
    // Only the exact stored name: a name the collation merely equates is an unknown user.
    row = await findStaffByUsername(deps.models, canonical);
    ok = await verifyPassword(password, row?.passwordHash ?? (await dummyHash()));
  } catch (err) {
    // A fault of ours (the database down) is no wrong password: the attempt is given back.
    await Promise.all([deps.throttle.giveBack(userKey), deps.throttle.giveBack(ipKey)]).catch(() => undefined);
    throw err;
  }
  if (!row || !ok || !row.active) throw new AppError('LOGIN_FAILED', 401, '用户名或密码错误');
  await Promise.all([deps.throttle.succeed(userKey), deps.throttle.giveBack(ipKey)]);
  row.lastLoginAt = new Date();
  await row.save();
  const { token, expiresAt } = await deps.sessions.create(row.id);
  return { staff: principalOf(row), token, expiresAt };
}

/** Loads the session; 401 UNAUTHENTICATED without a valid one. */
export function requireStaff(sessions: SessionStore) {
  return async (ctx: Context, next: Next) => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    const staff = token ? await sessions.lookup(token) : undefined;
    if (!staff) throw unauthorized();
    ctx.state.staff = staff;
    await next();
  };
}

export function currentStaff(ctx: Context): StaffPrincipal {
  const staff = ctx.state.staff;
  if (!staff) throw unauthorized();
  return staff;
}
