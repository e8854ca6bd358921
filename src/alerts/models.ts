// Sequelize models of the alerts tables (migration 017), defined per Sequelize instance.
// Timestamps are set by the service from its clock, never by Sequelize.
import {
  Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';
import { eventColumns, type EventColumns } from '../articles/models.js';
import { D, I, id, S, T } from '../db/columns.js';

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

/** The article event log's columns (src/articles/models.ts) for an alert. */
export interface AlertEventRow extends Model<InferAttributes<AlertEventRow>, InferCreationAttributes<AlertEventRow>>, EventColumns {
  id: CreationOptional<number>;
  alertId: number;
}

export interface AlertModels {
  Alert: ModelStatic<AlertRow>;
  AlertRevision: ModelStatic<AlertRevisionRow>;
  AlertEvent: ModelStatic<AlertEventRow>;
}

const content = () => ({
  title: S(200, false), summary: S(300, false), fraudType: S(32, false), severity: S(16, false), counties: T(), body: T(),
  validUntil: D(false), author: S(100, false), contentHash: S(64, false),
});

export function defineAlertModels(sequelize: Sequelize): AlertModels {
  const common = { underscored: true, timestamps: false } as const;
  const Alert = sequelize.define<AlertRow>('Alert', {
    id: id(), ...content(), state: S(16, false), revision: I(), publishedAt: D(), createdBy: I(true), updatedBy: I(true),
    createdAt: D(false), updatedAt: D(false),
  }, { ...common, tableName: 'alerts' });
  const AlertRevision = sequelize.define<AlertRevisionRow>('AlertRevision', {
    id: id(), alertId: I(), revision: I(), ...content(), createdBy: I(true), createdAt: D(false),
  }, { ...common, tableName: 'alert_revisions' });
  const AlertEvent = sequelize.define<AlertEventRow>('AlertEvent', {
    id: id(), alertId: I(), ...eventColumns(),
  }, { ...common, tableName: 'alert_events' });
  return { Alert, AlertRevision, AlertEvent };
}
