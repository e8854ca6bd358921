// Sequelize models of the articles tables (migration 012), defined per Sequelize instance.
// Timestamps are set by the service from its clock, never by Sequelize.
import {
  Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';
import { D, I, id, S, T } from '../db/columns.js';

/** The content columns both `articles` and `article_revisions` have. */
interface ContentColumns {
  title: string;
  summary: string;
  coverUrl: string | null;
  /** JSON array of strings. */
  tags: string;
  author: string;
  body: string;
  contentHash: string;
}

export interface ArticleRow extends Model<InferAttributes<ArticleRow>, InferCreationAttributes<ArticleRow>>, ContentColumns {
  id: CreationOptional<number>;
  slug: string;
  state: string;
  /** The number of the latest revision. */
  revision: number;
  /** When a scheduled publication is due; null when none is scheduled. */
  publishAt: Date | null;
  publishedAt: Date | null;
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ArticleRevisionRow extends Model<InferAttributes<ArticleRevisionRow>, InferCreationAttributes<ArticleRevisionRow>>, ContentColumns {
  id: CreationOptional<number>;
  articleId: number;
  revision: number;
  /** Null for a revision the import wrote. */
  createdBy: number | null;
  createdAt: Date;
}

/** The columns of an event log row besides its id and owner: `article_events`, and `alert_events` (src/alerts). */
export interface EventColumns {
  type: string;
  /** Null for the system (for articles: the import, the scheduled sweep). */
  actorId: number | null;
  fromState: string | null;
  toState: string | null;
  revision: number | null;
  /** JSON object or null. */
  data: string | null;
  createdAt: Date;
}

export const eventColumns = () => ({
  type: S(24, false), actorId: I(true), fromState: S(16), toState: S(16), revision: I(true), data: T(true), createdAt: D(false),
});

export interface ArticleEventRow extends Model<InferAttributes<ArticleEventRow>, InferCreationAttributes<ArticleEventRow>>, EventColumns {
  id: CreationOptional<number>;
  articleId: number;
}

export interface ArticleModels {
  Article: ModelStatic<ArticleRow>;
  ArticleRevision: ModelStatic<ArticleRevisionRow>;
  ArticleEvent: ModelStatic<ArticleEventRow>;
}

const content = () => ({
  title: S(200, false), summary: S(500, false), coverUrl: S(1000), tags: T(), author: S(100, false), body: T(), contentHash: S(64, false),
});

export function defineArticleModels(sequelize: Sequelize): ArticleModels {
  const common = { underscored: true, timestamps: false } as const;
  const Article = sequelize.define<ArticleRow>('Article', {
    id: id(), slug: S(120, false), ...content(), state: S(16, false), revision: I(), publishAt: D(), publishedAt: D(),
    createdBy: I(true), updatedBy: I(true), createdAt: D(false), updatedAt: D(false),
  }, { ...common, tableName: 'articles' });
  const ArticleRevision = sequelize.define<ArticleRevisionRow>('ArticleRevision', {
    id: id(), articleId: I(), revision: I(), ...content(), createdBy: I(true), createdAt: D(false),
  }, { ...common, tableName: 'article_revisions' });
  const ArticleEvent = sequelize.define<ArticleEventRow>('ArticleEvent', {
    id: id(), articleId: I(), ...eventColumns(),
  }, { ...common, tableName: 'article_events' });
  return { Article, ArticleRevision, ArticleEvent };
}
