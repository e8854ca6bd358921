// The Sequelize models of migration 018's push tables. Timestamps come from the push's clock.
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';
import { D, I, id, S, T } from '../../db/columns.js';

export interface PushJobRow extends Model<InferAttributes<PushJobRow>, InferCreationAttributes<PushJobRow>> {
  id: CreationOptional<number>;
  alertId: number;
  title: string;
  summary: string;
  url: string;
  /** JSON array of county codes; null: all of Sanming. */
  counties: string | null;
  /** Comma-separated channels. */
  channels: string;
  state: string;
  ratePerSecond: number;
  /** Not read: the account's pace row (alert_push_pace) holds the send slot every job shares. */
  nextSlotAt: Date;
  snapshotAfter: number;
  snapshotUpto: number;
  snapshotLeaseUntil: Date | null;
  totalCount: number;
  sentCount: number;
  skippedCount: number;
  failedCount: number;
  /** JSON: `{"skipped:outside_window": n, …}`, moved with the rows (rules.ts `addOutcomes`). */
  outcomeCounts: string | null;
  /** When its recipient rows were deleted after the retention time; the counters stay. */
  purgedAt: Date | null;
  createdBy: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PushMassRow extends Model<InferAttributes<PushMassRow>, InferCreationAttributes<PushMassRow>> {
  id: CreationOptional<number>;
  jobId: number;
  alertId: number;
  /** A county code, or `all`. */
  target: string;
  tagId: number | null;
  clientMsgId: string;
  state: string;
  attempts: number;
  nextAttemptAt: Date;
  reason: string | null;
  errcode: number | null;
  msgId: string | null;
  quotaDay: string | null;
  quotaSlot: number | null;
  claimedBy: string | null;
  claimExpiresAt: Date | null;
  /**
   * When it went out; with a state other than `sent`, when it may have (the first send whose
   * answer was lost, or whose worker died mid-send). Invariant: such a row keeps its clientmsgid
   * and quota slot, and is sent again only under that clientmsgid, within MASS_DEDUPE_MS of this
   * time (rules.ts `massMaybeSent`, `massPlan`).
   */
  sentAt: Date | null;
}

/** The account's send state (migration 020), one row: id `account`. */
export interface PushPaceRow extends Model<InferAttributes<PushPaceRow>, InferCreationAttributes<PushPaceRow>> {
  id: string;
  /** The next free send slot of the account; while held, the end of the hold. */
  nextSlotAt: Date;
  /** 0: WeChat answers; n: the n-th hold in a row since it last did. */
  holdLevel: number;
  holdReason: string | null;
  customBlockedUntil: Date | null;
  templateBlockedUntil: Date | null;
  /** The Beijing day (YYYY-MM-DD) `templateCount` counts. */
  templateDay: string | null;
  templateCount: number;
  updatedAt: Date;
}

export const PACE_ID = 'account';

export interface PushModels {
  Job: ModelStatic<PushJobRow>;
  Mass: ModelStatic<PushMassRow>;
  Pace: ModelStatic<PushPaceRow>;
}

export function definePushModels(sequelize: Sequelize): PushModels {
  const Job = sequelize.define<PushJobRow>('AlertPushJob', {
    id: id(),
    alertId: I(), title: S(200, false), summary: S(600, false), url: S(1000, false),
    counties: T(true), channels: S(40, false), state: S(16, false),
    ratePerSecond: { type: DataTypes.DOUBLE, allowNull: false }, nextSlotAt: D(false),
    snapshotAfter: I(), snapshotUpto: I(), snapshotLeaseUntil: D(),
    totalCount: I(), sentCount: I(), skippedCount: I(), failedCount: I(),
    outcomeCounts: T(true), purgedAt: D(), createdBy: I(true), startedAt: D(), finishedAt: D(), createdAt: D(false), updatedAt: D(false),
  }, { underscored: true, timestamps: false, tableName: 'alert_push_jobs' });
  const Mass = sequelize.define<PushMassRow>('AlertPushMass', {
    id: id(),
    jobId: I(), alertId: I(), target: S(12, false), tagId: I(true), clientMsgId: S(64, false), state: S(16, false),
    attempts: I(), nextAttemptAt: D(false), reason: S(40), errcode: I(true), msgId: S(32), quotaDay: S(10), quotaSlot: I(true),
    claimedBy: S(64), claimExpiresAt: D(), sentAt: D(),
  }, { underscored: true, timestamps: false, tableName: 'alert_push_mass' });
  const Pace = sequelize.define<PushPaceRow>('AlertPushPace', {
    id: { type: DataTypes.STRING(16), primaryKey: true }, nextSlotAt: D(false), holdLevel: I(), holdReason: S(40),
    customBlockedUntil: D(), templateBlockedUntil: D(), templateDay: S(10), templateCount: I(), updatedAt: D(false),
  }, { underscored: true, timestamps: false, tableName: 'alert_push_pace' });
  return { Job, Mass, Pace };
}
