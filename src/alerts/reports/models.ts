// Sequelize models of `scam_reports` (migration 019) and `scam_identifiers` (021). Timestamps come from the caller's clock.
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';
import { D, I, id, S } from '../../db/columns.js';

export interface ScamReportRow extends Model<InferAttributes<ScamReportRow>, InferCreationAttributes<ScamReportRow>> {
  id: CreationOptional<number>;
  kind: string;
  identifier: string;
  /** HMAC of the citizen's channel id (identity vault), never the id itself. */
  citizenHash: string;
  /** The citizen's first report of the identifier. */
  createdAt: Date;
  /** Their latest report of it. */
  updatedAt: Date;
}

export function defineScamReportModel(sequelize: Sequelize): ModelStatic<ScamReportRow> {
  return sequelize.define<ScamReportRow>('ScamReport', {
    id: id(),
    kind: S(16, false),
    identifier: { type: DataTypes.STRING(255).BINARY, allowNull: false },
    citizenHash: S(64, false),
    createdAt: D(false),
    updatedAt: D(false),
  }, { underscored: true, timestamps: false, tableName: 'scam_reports' });
}

/** What staff decided of a reported identifier. */
export const SCAM_IDENTIFIER_STATES = ['confirmed', 'dismissed'] as const;
export type ScamIdentifierState = (typeof SCAM_IDENTIFIER_STATES)[number];

/** Staff's decision on one identifier (`scam_identifiers`, migration 021): the latest stands. */
export interface ScamIdentifierRow extends Model<InferAttributes<ScamIdentifierRow>, InferCreationAttributes<ScamIdentifierRow>> {
  id: CreationOptional<number>;
  kind: string;
  identifier: string;
  state: ScamIdentifierState;
  /** The staff member who decided. */
  decidedBy: number;
  decidedAt: Date;
  /** Distinct citizens who had reported it then. */
  citizens: number;
}

export function defineScamIdentifierModel(sequelize: Sequelize): ModelStatic<ScamIdentifierRow> {
  return sequelize.define<ScamIdentifierRow>('ScamIdentifier', {
    id: id(),
    kind: S(16, false),
    identifier: { type: DataTypes.STRING(255).BINARY, allowNull: false },
    state: S(16, false),
    decidedBy: I(),
    decidedAt: D(false),
    citizens: I(),
  }, { underscored: true, timestamps: false, tableName: 'scam_identifiers' });
}
