// Sequelize models of the alerts tables (migration 017), defined per Sequelize instance.
// Timestamps are set by the service from its clock, never by Sequelize.
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';

/** The content columns both `alerts` and `alert_revisions` have. */
interface ContentColumns {
  title: string;
  summary: string;
  fraudType: string;
  severity: string;
  /** JSON array of county codes; `[]` for all of Sanming. */
  counties: string;
  body: string;
  validUntil: Date;
  author: string;
  contentHash: string;
}

export interface AlertRow extends Model<InferAttributes<AlertRow>, InferCreationAttributes<AlertRow>>, ContentColumns {
  id: CreationOptional<number>;
  state: string;
  revision: number;
  publishedAt: Date | null;
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AlertRevisionRow extends Model<InferAttributes<AlertRevisionRow>, InferCreationAttributes<AlertRevisionRow>>, ContentColumns {
  id: CreationOptional<number>;
  alertId: number;
  revision: number;
  createdBy: number | null;
  createdAt: Date;
}

export interface AlertEventRow extends Model<InferAttributes<AlertEventRow>, InferCreationAttributes<AlertEventRow>> {
  id: CreationOptional<number>;
  alertId: number;
  type: string;
  /** Null for the system. */
  actorId: number | null;
  fromState: string | null;
  toState: string | null;
  revision: number | null;
  /** JSON object or null. */
  data: string | null;
  createdAt: Date;
}

export interface AlertModels {
  Alert: ModelStatic<AlertRow>;
  AlertRevision: ModelStatic<AlertRevisionRow>;
  AlertEvent: ModelStatic<AlertEventRow>;
}

const S = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
const T = () => ({ type: DataTypes.TEXT, allowNull: false });
const D = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
const I = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };

const content = () => ({
  title: S(200, false), summary: S(300, false), fraudType: S(32, false), severity: S(16, false), counties: T(), body: T(),
  validUntil: D(false), author: S(100, false), contentHash: S(64, false),
});

export function defineAlertModels(sequelize: Sequelize): AlertModels {
  const common = { underscored: true, timestamps: false } as const;
  const Alert = sequelize.define<AlertRow>('Alert', {
    id, ...content(), state: S(16, false), revision: I(), publishedAt: D(), createdBy: I(true), updatedBy: I(true),
    createdAt: D(false), updatedAt: D(false),
  }, { ...common, tableName: 'alerts' });
  const AlertRevision = sequelize.define<AlertRevisionRow>('AlertRevision', {
    id, alertId: I(), revision: I(), ...content(), createdBy: I(true), createdAt: D(false),
  }, { ...common, tableName: 'alert_revisions' });
  const AlertEvent = sequelize.define<AlertEventRow>('AlertEvent', {
    id, alertId: I(), type: S(24, false), actorId: I(true), fromState: S(16), toState: S(16), revision: I(true),
    data: { type: DataTypes.TEXT, allowNull: true }, createdAt: D(false),
  }, { ...common, tableName: 'alert_events' });
  return { Alert, AlertRevision, AlertEvent };
}
