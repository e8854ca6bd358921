// The closed sets of the articles module and the shapes the rules work on. Imports nothing.

export const ARTICLE_STATES = ['draft', 'in_review', 'published', 'unpublished'] as const;
export type ArticleState = (typeof ARTICLE_STATES)[number];

/** What an article's event log records. */
export const ARTICLE_EVENT_TYPES = ['created', 'edited', 'submitted', 'published', 'unpublished', 'scheduled', 'unscheduled'] as const;
export type ArticleEventType = (typeof ARTICLE_EVENT_TYPES)[number];

export const ARTICLE_STATE_LABELS: Readonly<Record<ArticleState, string>> = {
  draft: '草稿',
  in_review: '待审核',
  published: '已发布',
  unpublished: '已撤下',
};

/** The words of an article that a revision keeps and the content hash covers. */
export interface ArticleContent {
  title: string;
  summary: string;
  body: string;
  tags: string[];
  author: string;
  coverUrl: string | null;
}

/** One entry of an article's event log as readers get it; an alert's log (src/alerts) reads the same. */
export interface ArticleEvent {
  type: string;
  actorId: number | null;
  fromState: string | null;
  toState: string | null;
  revision: number | null;
  data: Record<string, unknown> | null;
  at: Date;
}

/** Who acts on an article: a staff member (id, role) or the system (import, scheduled sweep). */
export interface ArticleActor {
  id: number;
  role: string;
}

/** What the rights depend on: the article's state and who wrote it. */
export interface ArticleFacts {
  state: ArticleState;
  createdBy: number | null;
  /**
   * Staff who wrote the text under review: the writers of the revisions made since the last
   * publication (all of them if never published). A publisher may be none of them. Absent where
   * only the creator is known (lists): the service asks again with them before it acts.
   */
  writers?: readonly number[];
}
