// The articles module: built once by the boot sequence (compose.ts) and handed its collaborators.
// It owns the article record, its revisions and events, the one Markdown renderer, the import of
// the starter articles, the staff JSON API and the public pages.
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppConfig } from '../config/index.js';
import type { ArticleShelf } from '../bot/ports.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { SharedStore } from '../platform/shared-store.js';
import type { SessionStore } from '../staff/sessions.js';
import type { WebBase } from '../web/index.js';
import { createHtmlCache, type ArticleHtmlCache } from './cache.js';
import { createPageCache, pageCacheMiddleware, type HitCounter, type PageCache } from './page-cache.js';
import { createImageStore, type ImageStore } from './images.js';
import { importArticles, type ImportReport } from './import.js';
import { defineArticleModels } from './models.js';
import { articlePages, staffNameLookup } from './pages/index.js';
import { contentDirOf } from './paths.js';
import { articlesPublicRouter, publicAnswerKey } from './public-routes.js';
import { createArticleRepository, type ArticleRepository } from './repository.js';
import { articlesStaffRouter } from './routes.js';
import { articleShelf } from './shelf.js';
import { createArticleService, type ArticleService } from './service.js';
import { createWechatPublisher, type WechatPublishClient, type WechatPublisher } from './wechat-publish.js';
import { articlesWechatRouter } from './wechat-routes.js';

export interface ArticlesModuleDeps {
  config: AppConfig;
  logger: Logger;
  db: Database;
  web: WebBase;
  /** The staff sessions the staff API checks (the tips module's store). */
  sessions: SessionStore;
  /** Shared state: the generation of the public page cache (page-cache.ts). */
  store: SharedStore;
  /** The WeChat API, for publishing articles to the account (wechat-publish.ts). */
  wechat: WechatPublishClient;
  /** The clock; tests move it. */
  now?: () => Date;
}

export interface ArticlesModule {
  service: ArticleService;
  repo: ArticleRepository;
  cache: ArticleHtmlCache;
  /** Whole public answers; dropped on every instance when an article changes. */
  pages: PageCache;
  /** Uploaded images (migration 015), served at /articles/images/<sha256>.<ext>. */
  images: ImageStore;
  routers: Router[];
  /** Serves kept public answers; the app mounts it in front of everything. `onHit` counts each one. */
  pageCache(onHit?: HitCounter): Middleware;
  /** What the chat reads: the latest published articles and search (the bot's port). */
  shelf: ArticleShelf;
  /** Imports config `articles.contentDir` (nothing when it is empty). Run after the migrations. */
  importContent(): Promise<ImportReport>;
  /** Publishes scheduled articles that are due; the web server runs it every minute. */
  sweep(now?: Date): Promise<string[]>;
  /** Publishing to WeChat: requests, their steps, the mass-send quota. */
  wechatPublish: WechatPublisher;
  /** Asks WeChat how submitted publications ended; the web server runs it every minute. */
  wechatSweep(now?: Date): Promise<number[]>;
  close(): Promise<void>;
}

export function createArticlesModule(deps: ArticlesModuleDeps): ArticlesModule {
  const { config, db } = deps;
  const logger = deps.logger.child({ module: 'articles' });
  const repo = createArticleRepository(defineArticleModels(db.sequelize));
  const pages = createPageCache({ store: deps.store, logger });
  const images = createImageStore(db.sequelize);
  const cache = createHtmlCache({ onInvalidate: () => { void pages.invalidate(); }, imageSizes: (body) => images.sizesIn(body) });
  const options = { selfPublish: config.articles.selfPublish };
  const service = createArticleService({ db, repo, cache, options, logger, ...(deps.now ? { now: deps.now } : {}) });
  const wechatPublish = createWechatPublisher({
    db, repo, cache, options, logger, client: deps.wechat, publicOrigin: config.publicOrigin, massQuotaPerDay: config.wechat.massQuotaPerDay,
    defaultCover: config.articles.wechatCover ? contentDirOf(config.articles.wechatCover) : null, ...(deps.now ? { now: deps.now } : {}),
  });
  const routers = [
    articlesStaffRouter({ sessions: deps.sessions, service, repo, cache, options }),
    articlesWechatRouter({ sessions: deps.sessions, publisher: wechatPublish }),
    // The editor pages (/staff/articles…) and the uploaded images (/articles/images/…).
    ...articlePages({
      web: deps.web, sessions: deps.sessions, service, repo, options, images, wechatPublish, staffNames: staffNameLookup(db), now: deps.now ?? (() => new Date()),
    }),
    articlesPublicRouter({ views: deps.web.views, repo, cache, origin: config.publicOrigin, pageSize: config.articles.pageSize }),
  ];
  return {
    service,
    repo,
    cache,
    pages,
    images,
    routers,
    pageCache: (onHit) => pageCacheMiddleware(pages, publicAnswerKey, onHit),
    shelf: articleShelf(repo, config.publicOrigin),
    async importContent() {
      const empty: ImportReport = { created: [], updated: [], unchanged: [], kept: [], invalid: [] };
      if (!config.articles.contentDir) return empty;
      return importArticles({ db, repo, service, cache, logger, ...(deps.now ? { now: deps.now } : {}) }, contentDirOf(config.articles.contentDir));
    },
    sweep: (now) => service.sweep(now),
    wechatPublish,
    wechatSweep: (now) => wechatPublish.sweep(now),
    async close() {
      cache.close();
      await pages.close();
    },
  };
}
