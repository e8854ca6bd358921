// Pure rules of articles: the state machine, who may do what, the content hash and the slug
// shapes. No I/O, no config, no clock of their own (options and `now` are arguments).
import { createHash } from 'node:crypto';
import type { ArticleActor, ArticleContent, ArticleEventType, ArticleFacts, ArticleState } from './types.js';

export const ARTICLE_RIGHTS = ['article.read', 'article.write', 'article.submit', 'article.publish', 'article.unpublish', 'article.schedule'] as const;
export type ArticleRight = (typeof ARTICLE_RIGHTS)[number];

export interface ArticleRuleOptions {
  /** Config `articles.selfPublish`: an editor may publish an article they wrote. */
  selfPublish: boolean;
}

/** Violations of the state machine (409) and bad input the rules see (400), with stable codes. */
export class ArticleRuleError extends Error {
  constructor(readonly code: string, readonly status: 400 | 403 | 404 | 409, message: string) {
    super(message);
    this.name = 'ArticleRuleError';
  }
}

/** Roles that work on articles at all: editors write, the admin can do everything. */
const ARTICLE_ROLES = new Set(['editor', 'admin']);

/**
 * May `actor` exercise `right` on `article` (absent for list and create)? Publishing and
 * scheduling need a publisher: the admin, or an editor who neither created the article nor wrote
 * any of the text under review (`writers`); correcting a published article needs one who did not
 * create it. `selfPublish` lifts both.
 */
export function canArticle(actor: ArticleActor, right: ArticleRight, article: ArticleFacts | undefined, opts: ArticleRuleOptions): boolean {
  if (!ARTICLE_ROLES.has(actor.role)) return false;
  if (actor.role === 'admin') return true;
  switch (right) {
    case 'article.read':
    case 'article.submit':
    case 'article.unpublish':
      return true;
    case 'article.write':
      // A correction of live text is a publisher's, as it always was: its writers are not asked,
      // so one publisher may correct twice. Publishing that text again needs another (below).
      return article?.state === 'published' ? isPublisherOf(actor, { state: article.state, createdBy: article.createdBy }, opts) : true;
    case 'article.publish':
    case 'article.schedule':
      return article !== undefined && isPublisherOf(actor, article, opts);
  }
}

/** Four eyes: nobody publishes text they wrote (created, or revised since the last publication) alone. */
function isPublisherOf(actor: ArticleActor, article: ArticleFacts, opts: ArticleRuleOptions): boolean {
  if (opts.selfPublish) return true;
  if (article.createdBy !== null && article.createdBy === actor.id) return false;
  return !(article.writers ?? []).includes(actor.id);
}

/**
 * What the rules judge, as codes and staff read it. Anti-fraud alerts (src/alerts) go through the
 * same states and rights as articles; only the codes (`ALERT_BAD_STATE`) and the noun differ.
 */
export interface RuleSubject {
  /** Prefix of the refusal codes: `${code}_BAD_STATE`, `${code}_NEEDS_PUBLISHER`. */
  code: string;
  /** The thing in the refusal messages: 文章, 预警. */
  noun: string;
}

export const ARTICLE_SUBJECT: RuleSubject = { code: 'ARTICLE', noun: '文章' };

export function assertCanArticle(actor: ArticleActor, right: ArticleRight, article: ArticleFacts | undefined, opts: ArticleRuleOptions, subject: RuleSubject = ARTICLE_SUBJECT): void {
  if (canArticle(actor, right, article, opts)) return;
  const selfPublish = (right === 'article.publish' || right === 'article.schedule' || right === 'article.write') && ARTICLE_ROLES.has(actor.role);
  throw new ArticleRuleError(selfPublish ? `${subject.code}_NEEDS_PUBLISHER` : 'FORBIDDEN', 403,
    selfPublish ? `自己写过或改过的${subject.noun}需要另一位编辑或管理员审核发布` : '无权执行此操作');
}

export type ArticleAction = 'submit' | 'publish' | 'unpublish' | 'schedule' | 'unschedule' | 'edit';

/** The state each action leads to, from the states it is allowed in. */
const TRANSITIONS: Readonly<Record<ArticleAction, Partial<Record<ArticleState, ArticleState>>>> = {
  submit: { draft: 'in_review' },
  publish: { in_review: 'published', unpublished: 'published' },
  unpublish: { published: 'unpublished' },
  // Scheduling keeps the article in review until the sweep publishes it.
  schedule: { in_review: 'in_review' },
  unschedule: { in_review: 'in_review' },
  // A change goes back to draft (to be reviewed again), except a publisher's correction of a live article.
  edit: { draft: 'draft', in_review: 'draft', unpublished: 'draft', published: 'published' },
};

const ACTION_EVENTS: Readonly<Record<ArticleAction, ArticleEventType>> = {
  submit: 'submitted', publish: 'published', unpublish: 'unpublished', schedule: 'scheduled', unschedule: 'unscheduled', edit: 'edited',
};

export interface Transition {
  from: ArticleState;
  to: ArticleState;
  event: ArticleEventType;
}

/** The transition of `action` from `state`; 409 ARTICLE_BAD_STATE (`${subject.code}_BAD_STATE`) when the action is not allowed there. */
export function transition(state: ArticleState, action: ArticleAction, subject: RuleSubject = ARTICLE_SUBJECT): Transition {
  const to = TRANSITIONS[action][state];
  if (!to) throw new ArticleRuleError(`${subject.code}_BAD_STATE`, 409, `${subject.noun}当前的状态不能执行这个操作`);
  return { from: state, to, event: ACTION_EVENTS[action] };
}

/** The actions allowed for `actor` on `article` now (for the editor's buttons). */
export function allowedActions(actor: ArticleActor, article: ArticleFacts, opts: ArticleRuleOptions): ArticleAction[] {
  const right: Record<ArticleAction, ArticleRight> = {
    submit: 'article.submit', publish: 'article.publish', unpublish: 'article.unpublish',
    schedule: 'article.schedule', unschedule: 'article.schedule', edit: 'article.write',
  };
  return (Object.keys(TRANSITIONS) as ArticleAction[])
    .filter((a) => TRANSITIONS[a][article.state] !== undefined && canArticle(actor, right[a], article, opts));
}

/** A publication time must lie ahead of `now`. */
export function assertScheduleTime(at: Date, now: Date): void {
  if (at.getTime() <= now.getTime()) throw new ArticleRuleError('ARTICLE_SCHEDULE_PAST', 400, '定时发布的时间必须晚于现在');
}

/** Whether a scheduled article is due at `now`. */
export function isDue(article: { state: ArticleState; publishAt: Date | null }, now: Date): boolean {
  return article.state === 'in_review' && article.publishAt !== null && article.publishAt.getTime() <= now.getTime();
}

/** Lower-case ASCII words joined by single hyphens: the public URL of an article. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX = 120;

export function isSlug(v: string): boolean {
  return v.length <= SLUG_MAX && SLUG_PATTERN.test(v);
}

/** Tags as stored: trimmed, non-empty, unique, in the given order. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.normalize('NFKC').trim()).filter((t) => t !== ''))];
}

/** SHA-256 over the content fields in a fixed order: equal content, equal hash. */
export function contentHash(c: ArticleContent): string {
  const canonical = JSON.stringify([c.title, c.summary, c.body, normaliseTags(c.tags), c.author, c.coverUrl ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}
