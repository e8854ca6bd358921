// Staff accounts and sessions as stored rows, and the creation rules both the CLI and the
// first-start admin seed go through.
import { randomBytes } from 'node:crypto';
import {
  DataTypes, Model, UniqueConstraintError, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic,
} from 'sequelize';
import type { Database } from '../db/index.js';
import { AppError } from '../platform/errors.js';
import { isRole, type Role } from '../tips/types.js';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordLength, verifyPassword } from './passwords.js';
import { canonicalUsername, USERNAME_PATTERN } from './usernames.js';

export interface StaffRow extends Model<InferAttributes<StaffRow>, InferCreationAttributes<StaffRow>> {
  id: CreationOptional<number>;
  username: string;
  passwordHash: string;
  displayName: string;
  role: string;
  unitKey: string | null;
  countyCode: string | null;
  townshipCode: string | null;
  active: boolean;
  /** Set when someone else chose the password (admin, first start): the console asks for a new one. */
  mustChangePassword: CreationOptional<boolean>;
  lastLoginAt: Date | null;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface SessionRow extends Model<InferAttributes<SessionRow>, InferCreationAttributes<SessionRow>> {
  tokenHash: string;
  staffId: number;
  createdAt: Date;
  expiresAt: Date;
  /** When the member last acted with it, to the minute (sessions.ts); null: since `createdAt`. */
  lastSeenAt: CreationOptional<Date | null>;
}

export interface StaffModels {
  Staff: ModelStatic<StaffRow>;
  Session: ModelStatic<SessionRow>;
}

/** The signed-in staff member as every layer above the database sees them. */
export interface StaffPrincipal {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  unitKey: string | null;
  countyCode: string | null;
  townshipCode: string | null;
  /** The console sends this member to the password page first (the API still answers). */
  mustChangePassword: boolean;
}

export function defineStaffModels(db: Database): StaffModels {
  const s = db.sequelize;
  const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
  const Staff = s.define<StaffRow>('Staff', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    username: str(64, false), passwordHash: str(255, false), displayName: str(64, false), role: str(16, false),
    unitKey: str(32), countyCode: str(12), townshipCode: str(12),
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    mustChangePassword: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    lastLoginAt: { type: DataTypes.DATE(3), allowNull: true },
    createdAt: { type: DataTypes.DATE(3), allowNull: false }, updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  }, { tableName: 'staff', underscored: true });
  const Session = s.define<SessionRow>('StaffSession', {
    tokenHash: { type: DataTypes.STRING(64), primaryKey: true },
    staffId: { type: DataTypes.INTEGER, allowNull: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    expiresAt: { type: DataTypes.DATE(3), allowNull: false },
    lastSeenAt: { type: DataTypes.DATE(3), allowNull: true },
  }, { tableName: 'staff_sessions', underscored: true, timestamps: false });
  return { Staff, Session };
}

export function principalOf(row: StaffRow): StaffPrincipal {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: isRole(row.role) ? row.role : 'editor',
    unitKey: row.unitKey,
    countyCode: row.countyCode,
    townshipCode: row.townshipCode,
    mustChangePassword: Boolean(row.mustChangePassword),
  };
}

/**
 * The account whose stored username is exactly `canonical`, or undefined. MariaDB compares the
 * column under utf8mb4_unicode_ci, where `víctim` and `vìctim` equal `victim`: such a row is another
 * name, not this one (the unique index admits at most one row per collation class).
 */
export async function findStaffByUsername(models: StaffModels, canonical: string): Promise<StaffRow | undefined> {
  const row = await models.Staff.findOne({ where: { username: canonical } });
  return row?.username === canonical ? row : undefined;
}

export interface NewStaff {
  username: string;
  password: string;
  role: string;
  unitKey?: string | null;
  countyCode?: string | null;
  townshipCode?: string | null;
  displayName?: string;
  /** The password was chosen for this member, who must replace it at first sign-in. */
  mustChangePassword?: boolean;
}

/** How a new password is hashed: scrypt's cost (config staff.passwordCost; default PASSWORD_COST). */
export interface PasswordOptions {
  passwordCost?: number;
}

/**
 * Validates scope against the role (a county officer without a county would see nothing, a
 * township officer's county follows from the township) and the units table.
 */
export async function createStaff(db: Database, models: StaffModels, input: NewStaff, opts: PasswordOptions = {}): Promise<StaffPrincipal> {
  const bad = (message: string) => new AppError('STAFF_INVALID', 400, message);
  // Stored canonical (NFKC, lower case): login canonicalises what is typed the same way.
  const username = canonicalUsername(input.username);
  if (!USERNAME_PATTERN.test(username)) throw bad('用户名应为2–64位字母、数字或 _ . -');
  if (!isRole(input.role)) throw bad('角色无效');
  if (passwordLength(input.password) < MIN_PASSWORD_LENGTH) throw bad(`密码至少${MIN_PASSWORD_LENGTH}位`);
  if (input.displayName !== undefined && input.displayName.length > 64) throw bad('姓名不能超过64个字');
  const unitOf = async (key: string) => {
    const [rows] = await db.sequelize.query('SELECT `key`, kind, county_code FROM units WHERE `key` = ?', { replacements: [key] });
    return (rows as Array<{ key: string; kind: string; county_code: string | null }>)[0];
  };
  let countyCode = input.countyCode ?? null;
  const townshipCode = input.townshipCode ?? null;
  if (townshipCode) {
    const t = await unitOf(townshipCode);
    if (!t || t.kind !== 'township') throw bad('乡镇代码无效');
    if (countyCode && countyCode !== t.county_code) throw bad('乡镇不属于该县（市、区）');
    countyCode = t.county_code;
  }
  if (countyCode) {
    const c = await unitOf(countyCode);
    if (!c || c.kind !== 'county') throw bad('县（市、区）代码无效');
  }
  if (input.role === 'county' && !countyCode) throw bad('县级人员须指定县（市、区）');
  if (input.role === 'township' && !townshipCode) throw bad('乡镇人员须指定乡镇');
  // A county or township officer belongs to that unit unless another (e.g. discipline) is named.
  const unitKey = input.unitKey ?? (input.role === 'township' ? townshipCode : input.role === 'county' ? countyCode : 'zfw');
  if (unitKey && !(await unitOf(unitKey))) throw bad('单位无效');
  // Taken also when the database's collation equates another stored name with this one (MariaDB:
  // `josé` and `jose`): its unique index would refuse the row.
  const taken = () => new AppError('STAFF_EXISTS', 409, '用户名已存在');
  if (await models.Staff.findOne({ where: { username } })) throw taken();
  const row = await models.Staff.create({
    username,
    passwordHash: await hashPassword(input.password, opts.passwordCost),
    displayName: input.displayName ?? username,
    role: input.role,
    unitKey,
    countyCode,
    townshipCode,
    active: true,
    mustChangePassword: input.mustChangePassword ?? false,
    lastLoginAt: null,
  }).catch((err: unknown) => {
    // Another request created the name between the check and this insert.
    if (err instanceof UniqueConstraintError) throw taken();
    throw err;
  });
  return principalOf(row);
}

/**
 * A password for someone else to type once, often read out over the telephone: 16 lower-case
 * letters and digits without look-alikes (no 0/o, 1/l/i) and no capitals to spell, about 79 bits
 * from crypto.randomBytes. Shown once, never stored or logged.
 */
const ONE_TIME_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const ONE_TIME_PASSWORD_LENGTH = 16;
export function generateOneTimePassword(): string {
  // Bytes at or above the largest multiple of the alphabet's size are skipped: no bias.
  const limit = 256 - (256 % ONE_TIME_ALPHABET.length);
  let out = '';
  while (out.length < ONE_TIME_PASSWORD_LENGTH) {
    for (const b of randomBytes(32)) {
      if (b < limit && out.length < ONE_TIME_PASSWORD_LENGTH) out += ONE_TIME_ALPHABET[b % ONE_TIME_ALPHABET.length];
    }
  }
  return out;
}

/** A member replacing their own password; refusals carry codes the password form shows. */
export async function changeOwnPassword(models: StaffModels, staffId: number, current: string, next: string, opts: PasswordOptions = {}): Promise<void> {
  const row = await models.Staff.findByPk(staffId);
  if (!row || !row.active) throw new AppError('UNAUTHENTICATED', 401, '请先登录');
  if (passwordLength(next) < MIN_PASSWORD_LENGTH) throw new AppError('PASSWORD_TOO_SHORT', 400, `新密码至少要${MIN_PASSWORD_LENGTH}位`);
  if (!(await verifyPassword(current, row.passwordHash))) throw new AppError('PASSWORD_WRONG', 400, '当前密码不对，请重新输入');
  if (await verifyPassword(next, row.passwordHash)) throw new AppError('PASSWORD_REUSED', 400, '新密码不能和当前密码一样');
  row.passwordHash = await hashPassword(next, opts.passwordCost);
  row.mustChangePassword = false;
  await row.save();
}

/** An admin's reset: a new one-time password, to be replaced at the next sign-in. */
export async function resetPassword(models: StaffModels, staffId: number, opts: PasswordOptions = {}): Promise<{ staff: StaffRow; password: string }> {
  const row = await models.Staff.findByPk(staffId);
  if (!row) throw new AppError('STAFF_NOT_FOUND', 404, '没有这个账号');
  const password = generateOneTimePassword();
  row.passwordHash = await hashPassword(password, opts.passwordCost);
  row.mustChangePassword = true;
  await row.save();
  return { staff: row, password };
}

export async function setStaffActive(models: StaffModels, staffId: number, active: boolean): Promise<StaffRow> {
  const row = await models.Staff.findByPk(staffId);
  if (!row) throw new AppError('STAFF_NOT_FOUND', 404, '没有这个账号');
  row.active = active;
  await row.save();
  return row;
}

export interface UnitOption { key: string; kind: string; name: string; countyCode: string | null }

/** Every unit in the table's own order (city, departments, then each county and its townships). */
export async function listUnits(db: Database): Promise<UnitOption[]> {
  const rows = await db.sequelize.query('SELECT `key`, kind, name, county_code FROM units ORDER BY sort, `key`', { type: 'SELECT' }) as
    Array<{ key: string; kind: string; name: string; county_code: string | null }>;
  return rows.map((r) => ({ key: r.key, kind: r.kind, name: r.name, countyCode: r.county_code }));
}
