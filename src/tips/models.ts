// Sequelize models of the tips tables, defined per Sequelize instance (tests open several
// databases in one process, and a class-based model can be bound to only one).
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';

export interface TipRow extends Model<InferAttributes<TipRow>, InferCreationAttributes<TipRow>> {
  id: CreationOptional<number>;
  code: string;
  submissionKey: string;
  category: string;
  legalType: string;
  description: string;
  transcript: string;
  attachments: string;
  placeCountyCode: string | null;
  placeTownshipCode: string | null;
  placeText: string | null;
  latitude: number | null;
  longitude: number | null;
  channel: string;
  reporterHash: string;
  reporterSealed: string;
  identityKeyId: string;
  anonymous: boolean;
  danger: boolean;
  colour: string;
  colourRank: number;
  computedColour: string;
  colourReason: string | null;
  state: string;
  unitKey: string | null;
  /** The unit a 检举控告 names (set by triage): that unit never sees the tip. */
  accusedUnitKey: string | null;
  handlerCountyCode: string | null;
  handlerTownshipCode: string | null;
  claimedBy: number | null;
  leaseUntil: Date | null;
  acknowledgeBy: Date;
  assignBy: Date;
  concludeBy: Date;
  dueAt: Date | null;
  extensionDays: CreationOptional<number>;
  acceptedAt: Date | null;
  assignedAt: Date | null;
  answeredAt: Date | null;
  concludedAt: Date | null;
  reopenedAt: Date | null;
  /** When the handling unit started (开始办理) last; optional: rows written before 011 have none. */
  startedAt?: Date | null;
  /**
   * When the answer reaches the citizen: answeredAt + tips.answerHoldMinutes. Before it, staff may
   * correct the answer and the citizen does not see it.
   */
  answerPublicAt?: Date | null;
  reviewCount: CreationOptional<number>;
  /**
   * When the citizen last added to the tip (补充) what whoever handles it has not opened since
   * (citizen-actions.ts sets it, reads.ts tipDetail clears it); optional: rows before 029 have none.
   */
  additionsUnseenAt?: Date | null;
  answer: string | null;
  deliveryState: string;
  duplicateOf: string | null;
  rating: string | null;
  ratedAt: Date | null;
  /** The personal-data rule version the stored texts went through (rules/personal-data.ts). */
  textsVersion: number;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface TipEventRow extends Model<InferAttributes<TipEventRow>, InferCreationAttributes<TipEventRow>> {
  id: CreationOptional<number>;
  tipId: number;
  type: string;
  actorType: 'citizen' | 'staff' | 'system';
  actorId: number | null;
  actorName: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  note: string | null;
  data: string | null;
  createdAt: CreationOptional<Date>;
}

/**
 * pending/failed: waiting (failed: pushes gave up, only a reply can show it); held: being sent
 * (updated_at is when; see notices.ts); sent: pushed; shown: in a bot reply that went out.
 */
export type NoticeState = 'pending' | 'held' | 'sent' | 'failed' | 'shown';
export type NoticeChannel = 'reply' | 'custom' | 'template' | 'wechaty' | 'shown';

export interface TipNoticeRow extends Model<InferAttributes<TipNoticeRow>, InferCreationAttributes<TipNoticeRow>> {
  id: CreationOptional<number>;
  tipId: number;
  reporterHash: string;
  citizenChannel: string;
  kind: string;
  text: string;
  state: NoticeState;
  channel: NoticeChannel | null;
  attempts: CreationOptional<number>;
  lastError: string | null;
  deliveredAt: Date | null;
  /** Not sent, shown or held before this time (an answer inside its correction hold); null: at once. */
  notBefore?: Date | null;
  createdAt: CreationOptional<Date>;
  updatedAt: CreationOptional<Date>;
}

export interface CitizenContactRow extends Model<InferAttributes<CitizenContactRow>, InferCreationAttributes<CitizenContactRow>> {
  reporterHash: string;
  channel: string;
  lastMessageAt: Date;
  updatedAt: CreationOptional<Date>;
}

export interface UnitRow extends Model<InferAttributes<UnitRow>, InferCreationAttributes<UnitRow>> {
  key: string;
  kind: 'city' | 'department' | 'county' | 'township';
  name: string;
  parentKey: string | null;
  countyCode: string | null;
  townshipCode: string | null;
  sort: number;
}

/** A copy of one attachment's media (migration 024, media-copy.ts). */
export interface TipMediaRow extends Model<InferAttributes<TipMediaRow>, InferCreationAttributes<TipMediaRow>> {
  id: CreationOptional<number>;
  tipId: number;
  /** The attachment's place in the tip's list, from 1 (the console's attachments/:n). */
  position: number;
  mediaType: 'image' | 'voice' | 'video';
  mediaId: string;
  state: 'pending' | 'copied' | 'failed';
  contentType: string | null;
  data: Buffer | null;
  attempts: number;
  nextTryAt: Date;
  lastError: string | null;
  copiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TipModels {
  Tip: ModelStatic<TipRow>;
  TipMedia: ModelStatic<TipMediaRow>;
  TipEvent: ModelStatic<TipEventRow>;
  TipNotice: ModelStatic<TipNoticeRow>;
  CitizenContact: ModelStatic<CitizenContactRow>;
  Unit: ModelStatic<UnitRow>;
}

const S = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
const D = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
const I = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const B = () => ({ type: DataTypes.BOOLEAN, allowNull: false });
const T = (allowNull = false) => ({ type: DataTypes.TEXT, allowNull });

export function defineTipModels(sequelize: Sequelize): TipModels {
  const common = { underscored: true, timestamps: true } as const;
  const Tip = sequelize.define<TipRow>('Tip', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    code: S(24, false), submissionKey: S(128, false), category: S(16, false), legalType: S(16, false),
    description: T(), transcript: T(), attachments: T(),
    placeCountyCode: S(12), placeTownshipCode: S(12), placeText: S(255),
    latitude: { type: DataTypes.DOUBLE, allowNull: true }, longitude: { type: DataTypes.DOUBLE, allowNull: true },
    channel: S(24, false), reporterHash: S(64, false), reporterSealed: T(), identityKeyId: S(16, false),
    anonymous: B(), danger: B(), colour: S(8, false), colourRank: I(), computedColour: S(8, false), colourReason: S(255),
    state: S(16, false), unitKey: S(32), accusedUnitKey: S(32), handlerCountyCode: S(12), handlerTownshipCode: S(12),
    claimedBy: I(true), leaseUntil: D(),
    acknowledgeBy: D(false), assignBy: D(false), concludeBy: D(false), dueAt: D(),
    extensionDays: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    acceptedAt: D(), assignedAt: D(), answeredAt: D(), concludedAt: D(), reopenedAt: D(), startedAt: D(), answerPublicAt: D(), additionsUnseenAt: D(),
    reviewCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    answer: T(true), deliveryState: S(16, false), duplicateOf: S(24), rating: S(24), ratedAt: D(), textsVersion: I(),
    createdAt: D(false), updatedAt: D(false),
  }, { ...common, tableName: 'tips' });

  const TipEvent = sequelize.define<TipEventRow>('TipEvent', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    tipId: I(), type: S(32, false), actorType: S(16, false), actorId: I(true), actorName: S(64),
    fromState: S(16), toState: S(16), reason: S(500), note: T(true), data: T(true), createdAt: D(false),
  }, { ...common, updatedAt: false, tableName: 'tip_events' });

  const TipNotice = sequelize.define<TipNoticeRow>('TipNotice', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    tipId: I(), reporterHash: S(64, false), citizenChannel: S(24, false), kind: S(16, false), text: T(),
    state: S(12, false), channel: S(12), attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    lastError: S(255), deliveredAt: D(), notBefore: D(), createdAt: D(false), updatedAt: D(false),
  }, { ...common, tableName: 'tip_notices' });

  const CitizenContact = sequelize.define<CitizenContactRow>('CitizenContact', {
    reporterHash: { type: DataTypes.STRING(64), primaryKey: true },
    channel: S(24, false), lastMessageAt: D(false), updatedAt: D(false),
  }, { ...common, createdAt: false, tableName: 'citizen_contacts' });

  const Unit = sequelize.define<UnitRow>('Unit', {
    key: { type: DataTypes.STRING(32), primaryKey: true },
    kind: S(16, false), name: S(64, false), parentKey: S(32), countyCode: S(12), townshipCode: S(12), sort: I(),
  }, { underscored: true, timestamps: false, tableName: 'units' });

  const TipMedia = sequelize.define<TipMediaRow>('TipMedia', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    tipId: I(), position: I(), mediaType: S(8, false), mediaId: S(256, false), state: S(12, false), contentType: S(100),
    data: { type: DataTypes.BLOB, allowNull: true },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    nextTryAt: D(false), lastError: S(255), copiedAt: D(), createdAt: D(false), updatedAt: D(false),
  }, { ...common, tableName: 'tip_media' });

  return { Tip, TipMedia, TipEvent, TipNotice, CitizenContact, Unit };
}
