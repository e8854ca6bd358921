// The starter articles: `content/articles/*.md` with YAML front matter, imported at start,
// idempotently by slug and content hash. A new slug is created published (dated by `date`); a
// file whose text the database already has does nothing; a changed file adds a revision, unless
// staff have edited the article since it was imported: their text stays, and a warning says so.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import type { Database } from '../db/index.js';
import { dayFromKey, shanghaiDayKey, startOfShanghaiDay } from '../platform/beijing-time.js';
import type { Logger } from '../platform/logger.js';
import type { ArticleHtmlCache } from './cache.js';
import { toArticle, type ArticleRepository } from './repository.js';
import { contentHash, isSlug, normaliseTags } from './rules.js';
import type { ArticleService } from './service.js';
import type { ArticleContent } from './types.js';
import { coverUrl } from './validation.js';

export interface ArticleFile extends ArticleContent {
  file: string;
  slug: string;
  /** The publication date: midnight Beijing time of the front matter's `date`. */
  date: Date;
}

export interface ImportReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Changed files whose article staff edited since the import: not overwritten. */
  kept: string[];
  /** Files that could not be read as articles (logged, skipped). */
  invalid: string[];
}

const isoDay = z.union([z.date(), z.string()]).transform((v, ctx) => {
  const day = dayFromKey(v instanceof Date ? v.toISOString().slice(0, 10) : v.trim());
  if (Number.isNaN(day)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'date must be YYYY-MM-DD' });
    return z.NEVER;
  }
  return startOfShanghaiDay(day);
});

const frontMatter = z.object({
  title: z.string().trim().min(1).max(200),
  slug: z.string().trim().refine(isSlug, 'slug must be lower-case letters, digits and hyphens'),
  summary: z.string().trim().min(1).max(500),
  tags: z.array(z.string().max(30)).max(20).default([]),
  author: z.string().trim().min(1).max(100),
  date: isoDay,
  cover: coverUrl.optional(),
}).passthrough();

// Only YAML front matter: gray-matter would otherwise evaluate a `---js` block as JavaScript.
const refuse = () => { throw new Error('only YAML front matter is read'); };
const MATTER_OPTIONS = { language: 'yaml', engines: { js: refuse, javascript: refuse, coffee: refuse, coffeescript: refuse, cson: refuse } };

/** Reads one file's text; throws with what is wrong. */
export function parseArticleFile(file: string, text: string): ArticleFile {
  // A fresh input object: gray-matter caches parses by string, and a cached parse is shared.
  const parsed = matter({ content: text }, MATTER_OPTIONS);
  const fm = frontMatter.safeParse(parsed.data);
  if (!fm.success) throw new Error(fm.error.issues.map((i) => `${i.path.join('.') || '(front matter)'}: ${i.message}`).join('; '));
  // YAML reads 2025-13-45 as a valid (rolled-over) date: the day must be the one written.
  const day = shanghaiDayKey(fm.data.date);
  if (!new RegExp(`^date:\\s*["']?${day}\\b`, 'm').test(parsed.matter)) throw new Error('date: must be a real day, YYYY-MM-DD');
  const body = parsed.content.replace(/^\s*\n/, '').trimEnd() + '\n';
  return {
    file, slug: fm.data.slug, title: fm.data.title, summary: fm.data.summary, tags: normaliseTags(fm.data.tags),
    author: fm.data.author, coverUrl: fm.data.cover ?? null, body, date: fm.data.date,
  };
}

export interface ImportDeps {
  db: Database;
  repo: ArticleRepository;
  service: ArticleService;
  cache: ArticleHtmlCache;
  logger: Logger;
  now?: () => Date;
}

type Outcome = 'created' | 'updated' | 'unchanged' | 'kept';

async function importOne(deps: ImportDeps, a: ArticleFile): Promise<Outcome> {
  const { db, repo } = deps;
  const { revision, event, applyContent } = deps.service.system;
  const { Article } = repo.models;
  const now = (deps.now ?? (() => new Date()))();
  const hash = contentHash(a);
  return db.transaction(async (t): Promise<Outcome> => {
    const row = await repo.bySlug(a.slug, t);
    if (!row) {
      const created = await Article.create({
        slug: a.slug, title: a.title, summary: a.summary, coverUrl: a.coverUrl, tags: JSON.stringify(a.tags), author: a.author,
        body: a.body, state: 'published', revision: 1, contentHash: hash, publishAt: null, publishedAt: a.date,
        createdBy: null, updatedBy: null, createdAt: now, updatedAt: now,
      }, { transaction: t });
      await revision(t, created, null, now);
      await event(t, created, 'created', null, null, now, { source: 'import', file: a.file });
      await event(t, created, 'published', null, null, now, { source: 'import', date: a.date.toISOString() });
      return 'created';
    }
    if (row.contentHash === hash) return 'unchanged';
    const latest = await repo.latestRevision(row.id, { importedOnly: false }, t);
    if (latest && latest.createdBy !== null) {
      // Staff wrote the latest text: the file changing since its last import does not undo that.
      const lastImport = await repo.latestRevision(row.id, { importedOnly: true }, t);
      return lastImport?.contentHash === hash ? 'unchanged' : 'kept';
    }
    applyContent(row, a, hash);
    row.revision += 1;
    row.updatedAt = now;
    row.updatedBy = null;
    await row.save({ transaction: t });
    await revision(t, row, null, now);
    await event(t, row, 'edited', null, toArticle(row).state, now, { source: 'import', file: a.file });
    return 'updated';
  });
}

/** Imports every `*.md` of `dir` (a missing folder imports nothing). */
export async function importArticles(deps: ImportDeps, dir: string): Promise<ImportReport> {
  const report: ImportReport = { created: [], updated: [], unchanged: [], kept: [], invalid: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.md')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw err;
  }
  const parsed: ArticleFile[] = [];
  for (const name of names) {
    try {
      parsed.push(parseArticleFile(name, readFileSync(path.join(dir, name), 'utf8')));
    } catch (err) {
      deps.logger.warn({ file: name, problem: err instanceof Error ? err.message : String(err) }, 'article file skipped');
      report.invalid.push(name);
    }
  }
  // Two files claiming one slug: neither is imported, rather than one chosen by file name.
  const bySlug = new Map<string, string[]>();
  for (const a of parsed) bySlug.set(a.slug, [...(bySlug.get(a.slug) ?? []), a.file]);
  for (const article of parsed) {
    const files = bySlug.get(article.slug) ?? [];
    if (files.length > 1) {
      deps.logger.warn({ file: article.file, slug: article.slug, files }, 'article file skipped: its slug is used by another file too');
      report.invalid.push(article.file);
      continue;
    }
    const outcome = await importOne(deps, article);
    report[outcome].push(article.slug);
    if (outcome === 'kept') deps.logger.warn({ file: article.file, slug: article.slug }, 'article edited by staff since its import: the changed file was not imported');
  }
  const { created, updated, kept, invalid } = report;
  // A new or changed article changes the public pages: the cache drops them here and, through the
  // page cache's generation, on every other instance.
  for (const slug of [...created, ...updated]) {
    const row = await deps.repo.bySlug(slug);
    if (row) deps.cache.invalidate(row.id);
  }
  if (created.length || updated.length || kept.length || invalid.length) {
    deps.logger.info({ created: created.length, updated: updated.length, unchanged: report.unchanged.length, kept: kept.length, invalid: invalid.length }, 'articles imported');
  }
  return report;
}
