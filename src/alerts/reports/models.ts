// Sequelize model of `scam_reports` (migration 019). Timestamps come from the caller's clock.
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';

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
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    identifier: { type: DataTypes.STRING(255).BINARY, allowNull: false },
    citizenHash: { type: DataTypes.STRING(64), allowNull: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
    updatedAt: { type: DataTypes.DATE(3), allowNull: false },
  }, { underscored: true, timestamps: false, tableName: 'scam_reports' });
}
