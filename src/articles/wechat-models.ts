// The Sequelize model of `article_wechat` (migration 014): one request to publish an article to
// WeChat and the result of each of its steps. Timestamps come from the publisher's clock.
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';

/** draft: into the account's 草稿箱 only (an editor finishes it in WeChat); freepublish: 发布; mass: 群发. */
export const WECHAT_CHANNELS = ['draft', 'freepublish', 'mass'] as const;
export type WechatChannel = (typeof WECHAT_CHANNELS)[number];

/**
 * working: a run holds it (until `leaseUntil`); failed: a step failed, a retry resumes it;
 * submitted: WeChat has it, the sweep asks for the outcome; done: published or sent (a draft-only
 * request is done once its draft is made);
 * rejected: WeChat's final answer is a failure (audit, original check, send failed).
 */
export const WECHAT_REQUEST_STATES = ['working', 'failed', 'submitted', 'done', 'rejected'] as const;
export type WechatRequestState = (typeof WECHAT_REQUEST_STATES)[number];

/** The steps in order; `status` is the polling of WeChat's outcome. */
export const WECHAT_STEPS = ['images', 'cover', 'draft', 'submit', 'status'] as const;
export type WechatStep = (typeof WECHAT_STEPS)[number];

export interface ArticleWechatRow extends Model<InferAttributes<ArticleWechatRow>, InferCreationAttributes<ArticleWechatRow>> {
  id: CreationOptional<number>;
  articleId: number;
  revision: number;
  channel: string;
  tagId: number | null;
  toAll: boolean;
  clientMsgId: string;
  requestedBy: number;
  state: string;
  leaseUntil: Date | null;
  /** JSON object: source address → WeChat image URL. */
  images: string;
  imagesAt: Date | null;
  coverMediaId: string | null;
  coverUrl: string | null;
  coverAt: Date | null;
  draftMediaId: string | null;
  draftAt: Date | null;
  publishId: string | null;
  msgId: string | null;
  msgDataId: string | null;
  submittedAt: Date | null;
  /** The China-time day (YYYY-MM-DD) whose mass-send quota this request holds a slot of. */
  quotaDay: string | null;
  quotaSlot: number | null;
  /** freepublish: publish_status as digits; mass: msg_status. */
  wechatStatus: string | null;
  wechatArticleId: string | null;
  articleUrl: string | null;
  finishedAt: Date | null;
  errorStep: string | null;
  /** WeChat's errcode; null for a failure of ours (an image that could not be fetched). */
  errorCode: number | null;
  errorMessage: string | null;
  errorAt: Date | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export function defineArticleWechatModel(sequelize: Sequelize): ModelStatic<ArticleWechatRow> {
  const S = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
  const D = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  const I = (allowNull = true) => ({ type: DataTypes.INTEGER, allowNull });
  return sequelize.define<ArticleWechatRow>('ArticleWechat', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    articleId: I(false), revision: I(false), channel: S(16, false), tagId: I(), toAll: { type: DataTypes.BOOLEAN, allowNull: false },
    clientMsgId: S(64, false), requestedBy: I(false), state: S(16, false), leaseUntil: D(),
    images: { type: DataTypes.TEXT, allowNull: false }, imagesAt: D(), coverMediaId: S(128), coverUrl: S(1000), coverAt: D(),
    draftMediaId: S(128), draftAt: D(), publishId: S(32), msgId: S(32), msgDataId: S(32), submittedAt: D(),
    quotaDay: S(10), quotaSlot: I(), wechatStatus: S(24), wechatArticleId: S(128), articleUrl: S(1000), finishedAt: D(),
    errorStep: S(16), errorCode: I(), errorMessage: S(600), errorAt: D(), attempts: I(false), createdAt: D(false), updatedAt: D(false),
  }, { underscored: true, timestamps: false, tableName: 'article_wechat' });
}
