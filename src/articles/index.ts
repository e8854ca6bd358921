// The articles module: built once by the boot sequence (compose.ts) and handed its collaborators.
// It owns the article record, its revisions and events, the one Markdown renderer, the import of
// the starter articles, the staff JSON API and the public pages.
import type Router from '@koa/router';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { Logger } from '../platform/logger.js';
import type { SessionStore } from '../staff/sessions.js';
import type { WebBase } from '../web/index.js';
import { createHtmlCache, type ArticleHtmlCache } from './cache.js';
import { importArticles, type ImportReport } from './import.js';
import { defineArticleModels } from './models.js';
import { contentDirOf } from './paths.js';
import { articlesPublicRouter } from './public-routes.js';
import { createArticleRepository, type ArticleRepository } from './repository.js';
import { articlesStaffRouter } from './routes.js';
import { createArticleService, type ArticleService } from './service.js';

export interface ArticlesModuleDeps {
  config: AppConfig;
  logger: Logger;
  db: Database;
  web: WebBase;
  /** The staff sessions the staff API checks (the tips module's store). */
  sessions: SessionStore;
  /** The clock; tests move it. */
  now?: () => Date;
}

export interface ArticlesModule {
  service: ArticleService;
  repo: ArticleRepository;
  cache: ArticleHtmlCache;
  routers: Router[];
  /** Imports config `articles.contentDir` (nothing when it is empty). Run after the migrations. */
  importContent(): Promise<ImportReport>;
  /** Publishes scheduled articles that are due; the web server runs it every minute. */
  sweep(now?: Date): Promise<string[]>;
  close(): void;
}

export function createArticlesModule(deps: ArticlesModuleDeps): ArticlesModule {
  const { config, db } = deps;
  const logger = deps.logger.child({ module: 'articles' });
  const repo = createArticleRepository(defineArticleModels(db.sequelize));
  const cache = createHtmlCache();
  const options = { selfPublish: config.articles.selfPublish };
  const service = createArticleService({ db, repo, cache, options, logger, ...(deps.now ? { now: deps.now } : {}) });
  const routers = [
    articlesStaffRouter({ sessions: deps.sessions, service, repo, cache, options }),
    articlesPublicRouter({ views: deps.web.views, repo, cache, origin: config.publicOrigin, pageSize: config.articles.pageSize }),
  ];
  return {
    service,
    repo,
    cache,
    routers,
    async importContent() {
      const empty: ImportReport = { created: [], updated: [], unchanged: [], kept: [], invalid: [] };
      if (!config.articles.contentDir) return empty;
      return importArticles({ db, repo, service, cache, logger, ...(deps.now ? { now: deps.now } : {}) }, contentDirOf(config.articles.contentDir));
    },
    sweep: (now) => service.sweep(now),
    close: () => cache.close(),
  };
}
