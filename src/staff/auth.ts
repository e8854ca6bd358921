// Login with throttling, and the middleware that turns the session cookie into ctx.state.staff.
// Failures are counted per username (guessing one account) and per IP (spraying many); the
// counters live in memory, which is enough for one process and costs no writes per attempt.
import type { Context, Next } from 'koa';
import { AppError, unauthorized } from '../platform/errors.js';
import { principalOf, type StaffModels, type StaffPrincipal } from './accounts.js';
import { dummyHash, verifyPassword } from './passwords.js';
import { SESSION_COOKIE, type SessionStore } from './sessions.js';

declare module 'koa' {
  interface DefaultState {
    staff?: StaffPrincipal;
  }
}

export interface ThrottleOptions {
  maxFailures: number;
  lockMinutes: number;
}

interface Counter { failures: number; lockedUntil: number; lastAt: number }

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly opts: ThrottleOptions) {}

  private limitFor(key: string): number {
    // Many staff can share one office NAT address: the IP limit is looser than the account's.
    return key.startsWith('ip:') ? this.opts.maxFailures * 4 : this.opts.maxFailures;
  }

  isLocked(key: string, now = Date.now()): boolean {
    const c = this.counters.get(key);
    return Boolean(c && c.lockedUntil > now);
  }

  fail(key: string, now = Date.now()): void {
    const windowMs = this.opts.lockMinutes * 60_000;
    const c = this.counters.get(key);
    const fresh = !c || now - c.lastAt > windowMs;
    const next: Counter = { failures: fresh ? 1 : c.failures + 1, lockedUntil: fresh ? 0 : c.lockedUntil, lastAt: now };
    if (next.failures >= this.limitFor(key)) next.lockedUntil = now + windowMs;
    this.counters.set(key, next);
    if (this.counters.size > 10_000) this.sweep(now);
  }

  succeed(key: string): void {
    this.counters.delete(key);
  }

  private sweep(now: number): void {
    const windowMs = this.opts.lockMinutes * 60_000;
    for (const [k, c] of this.counters) if (c.lockedUntil < now && now - c.lastAt > windowMs) this.counters.delete(k);
  }
}

export interface AuthDeps {
  models: StaffModels;
  sessions: SessionStore;
  throttle: LoginThrottle;
}

const throttled = () => new AppError('LOGIN_THROTTLED', 429, '登录失败次数过多，请稍后再试');

/** Checks the password; every refusal looks the same and takes as long, known user or not. */
export async function login(deps: AuthDeps, username: string, password: string, ip: string): Promise<{ staff: StaffPrincipal; token: string; expiresAt: Date }> {
  const userKey = `user:${username.toLowerCase()}`;
  const ipKey = `ip:${ip}`;
  if (deps.throttle.isLocked(userKey) || deps.throttle.isLocked(ipKey)) throw throttled();
  const row = await deps.models.Staff.findOne({ where: { username } });
  const ok = await verifyPassword(password, row?.passwordHash ?? (await dummyHash()));
  if (!row || !ok || !row.active) {
    deps.throttle.fail(userKey);
    deps.throttle.fail(ipKey);
    throw new AppError('LOGIN_FAILED', 401, '用户名或密码错误');
  }
  deps.throttle.succeed(userKey);
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
