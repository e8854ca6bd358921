// GET /staff/articles/:id/revisions[?rev=N]: every saved revision (who, when) and what revision N
// changed from the one before (the latest by default): the short fields, and the body as a line
// diff. Also the article's event log (who submitted, published, scheduled, withdrew it, when).
import Router from '@koa/router';
import { requireStaffPage } from '../../staff/pages/guard.js';
import { ARTICLE_STATE_LABELS, ARTICLE_STATES, type ArticleState } from '../types.js';
import { ARTICLES_PATH, actorOf, articleIdOf } from './common.js';
import { revisionDiff } from './diff.js';
import type { ArticlePageDeps } from './index.js';

const EVENT_LABELS: Readonly<Record<string, string>> = {
  created: '新建', edited: '修改', submitted: '提交审核', published: '发布', unpublished: '撤下', scheduled: '设定定时发布',
  unscheduled: '取消定时发布',
};

const stateLabel = (s: string | null) => (s && (ARTICLE_STATES as readonly string[]).includes(s) ? ARTICLE_STATE_LABELS[s as ArticleState] : '');

export function revisionPages(deps: ArticlePageDeps): Router {
  const router = new Router();
  const guard = requireStaffPage(deps);

  router.get(`${ARTICLES_PATH}/:id/revisions`, guard, async (ctx) => {
    const { article, revisions, events } = await deps.service.get(actorOf(ctx), articleIdOf(ctx));
    const wanted = typeof ctx.query.rev === 'string' && /^\d{1,9}$/.test(ctx.query.rev) ? Number(ctx.query.rev) : article.revision;
    const index = revisions.findIndex((r) => r.revision === wanted);
    const shown = index >= 0 ? index : revisions.length - 1;
    const current = revisions[shown];
    const previous = shown > 0 ? revisions[shown - 1] ?? null : null;
    const names = await deps.staffNames([...revisions.map((r) => r.createdBy), ...events.map((e) => e.actorId)]);
    const who = (id: number | null) => (id === null ? '系统' : names.get(id) ?? '工作人员');
    deps.web.render(ctx, 'editor-revisions.njk', {
      title: `修改记录：${article.title}`,
      article,
      revisions: [...revisions].reverse().map((r) => ({
        revision: r.revision, at: r.createdAt, who: who(r.createdBy), title: r.title, current: r.revision === current?.revision,
      })),
      current: current ? { revision: current.revision, at: current.createdAt, who: who(current.createdBy) } : null,
      previous: previous ? { revision: previous.revision } : null,
      sameText: current !== undefined && previous !== null && current.contentHash === previous.contentHash,
      diff: current ? revisionDiff(previous, current) : null,
      events: [...events].reverse().map((e) => ({
        label: EVENT_LABELS[e.type] ?? e.type, at: e.at, who: who(e.actorId), revision: e.revision,
        from: stateLabel(e.fromState), to: stateLabel(e.toState),
        publishAt: typeof e.data?.publishAt === 'string' ? e.data.publishAt : null,
        scheduled: e.data?.scheduled === true,
      })),
    });
  });

  return router;
}
