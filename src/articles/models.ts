// Sequelize models of the articles tables (migration 012), defined per Sequelize instance.
// Timestamps are set by the service from its clock, never by Sequelize.
import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';

export interface ArticleRow extends Model<InferAttributes<ArticleRow>, InferCreationAttributes<ArticleRow>> {
  id: CreationOptional<number>;
  slug: string;
  title: string;
  summary: string;
  coverUrl: string | null;
  /** JSON array of strings. */
  tags: string;
  author: string;
  body: string;
  state: string;
  /** The number of the latest revision. */
  revision: number;
  contentHash: string;
  /** When a scheduled publication is due; null when none is scheduled. */
  publishAt: Date | null;
  publishedAt: Date | null;
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ArticleRevisionRow extends Model<InferAttributes<ArticleRevisionRow>, InferCreationAttributes<ArticleRevisionRow>> {
  id: CreationOptional<number>;
  articleId: number;
  revision: number;
  title: string;
  summary: string;
  coverUrl: string | null;
  tags: string;
  author: string;
  body: string;
  contentHash: string;
  /** Null for a revision the import wrote. */
  createdBy: number | null;
  createdAt: Date;
}

export interface ArticleEventRow extends Model<InferAttributes<ArticleEventRow>, InferCreationAttributes<ArticleEventRow>> {
  id: CreationOptional<number>;
  articleId: number;
  type: string;
  /** Null for the system (the import, the scheduled sweep). */
  actorId: number | null;
  fromState: string | null;
  toState: string | null;
  revision: number | null;
  /** JSON object or null. */
  data: string | null;
  createdAt: Date;
}

export interface ArticleModels {
  Article: ModelStatic<ArticleRow>;
  ArticleRevision: ModelStatic<ArticleRevisionRow>;
  ArticleEvent: ModelStatic<ArticleEventRow>;
}

const S = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
const T = () => ({ type: DataTypes.TEXT, allowNull: false });
const D = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
const I = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };

export function defineArticleModels(sequelize: Sequelize): ArticleModels {
  const common = { underscored: true, timestamps: false } as const;
  const Article = sequelize.define<ArticleRow>('Article', {
    id, slug: S(120, false), title: S(200, false), summary: S(500, false), coverUrl: S(1000), tags: T(), author: S(100, false),
    body: T(), state: S(16, false), revision: I(), contentHash: S(64, false), publishAt: D(), publishedAt: D(),
    createdBy: I(true), updatedBy: I(true), createdAt: D(false), updatedAt: D(false),
  }, { ...common, tableName: 'articles' });
  const ArticleRevision = sequelize.define<ArticleRevisionRow>('ArticleRevision', {
    id, articleId: I(), revision: I(), title: S(200, false), summary: S(500, false), coverUrl: S(1000), tags: T(),
    author: S(100, false), body: T(), contentHash: S(64, false), createdBy: I(true), createdAt: D(false),
  }, { ...common, tableName: 'article_revisions' });
  const ArticleEvent = sequelize.define<ArticleEventRow>('ArticleEvent', {
    id, articleId: I(), type: S(24, false), actorId: I(true), fromState: S(16), toState: S(16), revision: I(true),
    data: { type: DataTypes.TEXT, allowNull: true }, createdAt: D(false),
  }, { ...common, tableName: 'article_events' });
  return { Article, ArticleRevision, ArticleEvent };
}
