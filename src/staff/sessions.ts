// Staff sessions: the cookie carries 32 random bytes; the table keeps only their SHA-256, so a
// copy of the database cannot be turned into a login. A session ends `sessionHours` after sign-in,
// or once it has gone `idleMinutes` unused (a console left open on a desk): its `last_seen_at`
// moves on with what the member does, at most one write a minute, and never with what a page
// fetches by itself (a `background` lookup: the queue's refresh).
import { createHash, randomBytes } from 'node:crypto';
import { Op } from 'sequelize';
import type { StaffModels, StaffPrincipal } from './accounts.js';
import { principalOf } from './accounts.js';

export const SESSION_COOKIE = 'pasm_staff';

/**
 * The session cookie's name. Over HTTPS (STAFF_COOKIE_SECURE) it carries the `__Host-` prefix:
 * browsers then take it only Secure, for the whole site and from this very host, so no other host
 * under the same domain can plant a session of its own choosing in a member's browser.
 */
export const sessionCookieName = (secure: boolean): string => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

/** The header a page's own periodic fetch sends (src/web/assets/app.js): not the member's doing. */
export const BACKGROUND_HEADER = 'x-staff-background';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionStore {
  /** The cookie that carries this store's sessions (sessionCookieName). */
  readonly cookieName: string;
  create(staffId: number): Promise<{ token: string; expiresAt: Date }>;
  /** The member of a live session; `background`: a page's own fetch, which does not count as use. */
  lookup(token: string, opts?: { background?: boolean }): Promise<StaffPrincipal | undefined>;
  revoke(token: string): Promise<void>;
  /** Ends every session of one member (password changed or reset, account disabled). */
  revokeAll(staffId: number): Promise<void>;
}

/** How stale `last_seen_at` may be before a lookup writes it: the idle limit's precision. */
const SEEN_EVERY_MS = 60_000;

export interface SessionOptions {
  sessionHours: number;
  /** 0: no idle limit. */
  idleMinutes: number;
  /** Whether the cookie is Secure (STAFF_COOKIE_SECURE): it names it (sessionCookieName). */
  cookieSecure?: boolean;
}

export function createSessionStore(models: StaffModels, options: SessionOptions): SessionStore {
  const { Session, Staff } = models;
  const { sessionHours } = options;
  const idleMs = options.idleMinutes * 60_000;
  return {
    cookieName: sessionCookieName(options.cookieSecure === true),
    async create(staffId) {
      const token = randomBytes(32).toString('base64url');
      const now = new Date();
      const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
      // Housekeeping on the login path keeps the table small without a timer.
      await Session.destroy({ where: { staffId, expiresAt: { [Op.lt]: now } } });
      await Session.create({ tokenHash: sha256(token), staffId, createdAt: now, expiresAt, lastSeenAt: now });
      return { token, expiresAt };
    },
    async lookup(token, opts = {}) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const tokenHash = sha256(token);
      const session = await Session.findByPk(tokenHash);
      const now = new Date();
      if (!session || session.expiresAt.getTime() <= now.getTime()) return undefined;
      if (idleMs > 0) {
        const seen = (session.lastSeenAt ?? session.createdAt).getTime();
        if (now.getTime() - seen >= idleMs) {
          await Session.destroy({ where: { tokenHash } });
          return undefined;
        }
        if (!opts.background && now.getTime() - seen >= SEEN_EVERY_MS) {
          await Session.update({ lastSeenAt: now }, { where: { tokenHash } });
        }
      }
      const staff = await Staff.findByPk(session.staffId);
      return staff && staff.active ? principalOf(staff) : undefined;
    },
    async revoke(token) {
      await Session.destroy({ where: { tokenHash: sha256(token) } });
    },
    async revokeAll(staffId) {
      await Session.destroy({ where: { staffId } });
    },
  };
}
