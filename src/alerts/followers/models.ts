// The Sequelize models of migration 016: followers of the official account and the WeChat tag
// of each county. Timestamps come from the callers' clock (`timestamps: false`).
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';
import { D, I, id, S } from '../../db/columns.js';

import type { CountySource } from '../../bot/ports.js';

export type { CountySource };
/** How the county of a follower was learned, weakest first (a stronger one is never replaced by a weaker). */
export const COUNTY_SOURCES: readonly CountySource[] = ['location', 'tip', 'asked'];

export interface FollowerRow extends Model<InferAttributes<FollowerRow>, InferCreationAttributes<FollowerRow>> {
  id: CreationOptional<number>;
  openid: string;
  subscribed: boolean;
  subscribedAt: Date | null;
  unsubscribedAt: Date | null;
  countyCode: string | null;
  countySource: string | null;
  countyAt: Date | null;
  countyAskedAt: Date | null;
  countyDeclinedAt: Date | null;
  lastInteractionAt: Date | null;
  /** The county whose WeChat tag the follower carries now, as far as the sync knows. */
  tagCountyCode: string | null;
  tagPending: boolean;
  tagSyncedAt: Date | null;
  tagError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CountyTagRow extends Model<InferAttributes<CountyTagRow>, InferCreationAttributes<CountyTagRow>> {
  countyCode: string;
  tagId: number;
  tagName: string;
  createdAt: Date;
}

export interface FollowerModels {
  Follower: ModelStatic<FollowerRow>;
  CountyTag: ModelStatic<CountyTagRow>;
}

export function defineFollowerModels(sequelize: Sequelize): FollowerModels {
  const Follower = sequelize.define<FollowerRow>('Follower', {
    id: id(),
    openid: S(64, false),
    subscribed: { type: DataTypes.BOOLEAN, allowNull: false },
    subscribedAt: D(), unsubscribedAt: D(),
    countyCode: S(12), countySource: S(16), countyAt: D(), countyAskedAt: D(), countyDeclinedAt: D(),
    lastInteractionAt: D(),
    tagCountyCode: S(12), tagPending: { type: DataTypes.BOOLEAN, allowNull: false }, tagSyncedAt: D(), tagError: S(120),
    createdAt: D(false), updatedAt: D(false),
  }, { underscored: true, timestamps: false, tableName: 'followers' });
  const CountyTag = sequelize.define<CountyTagRow>('FollowerCountyTag', {
    countyCode: { type: DataTypes.STRING(12), primaryKey: true },
    tagId: I(),
    tagName: S(30, false),
    createdAt: D(false),
  }, { underscored: true, timestamps: false, tableName: 'follower_county_tags' });
  return { Follower, CountyTag };
}
