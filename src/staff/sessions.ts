// Staff sessions: the cookie carries 32 random bytes; the table keeps only their SHA-256, so a
// copy of the database cannot be turned into a login.
import { createHash, randomBytes } from 'node:crypto';
import { Op } from 'sequelize';
import type { StaffModels, StaffPrincipal } from './accounts.js';
import { principalOf } from './accounts.js';

export const SESSION_COOKIE = 'pasm_staff';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionStore {
  create(staffId: number): Promise<{ token: string; expiresAt: Date }>;
  lookup(token: string): Promise<StaffPrincipal | undefined>;
  revoke(token: string): Promise<void>;
  /** Ends every session of one member (password changed or reset, account disabled). */
  revokeAll(staffId: number): Promise<void>;
}

export function createSessionStore(models: StaffModels, sessionHours: number): SessionStore {
  const { Session, Staff } = models;
  return {
    async create(staffId) {
      const token = randomBytes(32).toString('base64url');
      const now = new Date();
      const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
      // Housekeeping on the login path keeps the table small without a timer.
      await Session.destroy({ where: { staffId, expiresAt: { [Op.lt]: now } } });
      await Session.create({ tokenHash: sha256(token), staffId, createdAt: now, expiresAt });
      return { token, expiresAt };
    },
    async lookup(token) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
      const session = await Session.findByPk(sha256(token));
      if (!session || session.expiresAt.getTime() <= Date.now()) return undefined;
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
