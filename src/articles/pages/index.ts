// The editor pages of articles, on the staff console's web base (issue #18): the list, the editor
// with its preview, the publishing actions, publishing to WeChat, the revision history with a
// diff, and image upload.
// Every read and change goes through the articles service and rules, as the JSON API's do: a page
// never offers an action the service would refuse.
import type Router from '@koa/router';
import type { Database } from '../../db/index.js';
import { defineStaffModels } from '../../staff/accounts.js';
import type { SessionStore } from '../../staff/sessions.js';
import type { WebBase } from '../../web/index.js';
import type { ImageStore } from '../images.js';
import type { ArticleRepository } from '../repository.js';
import type { ArticleRuleOptions } from '../rules.js';
import type { ArticleService } from '../service.js';
import type { WechatPublisher } from '../wechat-publish.js';
import { editorPages } from './editor.js';
import { imagePages, publicImageRouter } from './images.js';
import { revisionPages } from './revisions.js';
import { wechatPages } from './wechat.js';

export interface ArticlePageDeps {
  web: WebBase;
  sessions: SessionStore;
  service: ArticleService;
  repo: ArticleRepository;
  options: ArticleRuleOptions;
  images: ImageStore;
  /** Publishing to WeChat: the editor's 「发到微信公众号」 section lists, requests and retries through it. */
  wechatPublish: WechatPublisher;
  /** Display names of staff members by id (who wrote a revision, who last changed an article). */
  staffNames(ids: readonly (number | null)[]): Promise<Map<number, string>>;
  /** The clock; tests move it. */
  now: () => Date;
}

/** Display names from the staff table. */
export function staffNameLookup(db: Database): ArticlePageDeps['staffNames'] {
  const { Staff } = defineStaffModels(db);
  return async (ids) => {
    const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await Staff.findAll({ where: { id: wanted }, attributes: ['id', 'displayName'] });
    return new Map(rows.map((r) => [r.id, r.displayName]));
  };
}

/** The staff pages, then the public image route. */
export function articlePages(deps: ArticlePageDeps): Router[] {
  const editor = editorPages(deps);
  return [editor.router, wechatPages(deps, editor.showWithWechat), revisionPages(deps), imagePages(deps), publicImageRouter(deps.images)];
}
