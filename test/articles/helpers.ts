// Fixtures of the articles tests: a temp folder of Markdown files and a composed app that imports it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConfigOverrides } from '../../src/config/index.js';
import { createTestContext, type TestContext } from '../support/harness.js';

export interface ArticleFixture { slug: string; title: string; body: string; tags?: string[]; date?: string; summary?: string; cover?: string }

export function articleFile(a: ArticleFixture): string {
  return [
    '---',
    `title: ${JSON.stringify(a.title)}`,
    `slug: ${a.slug}`,
    `summary: ${JSON.stringify(a.summary ?? `${a.title}的摘要`)}`,
    `tags: [${(a.tags ?? ['反诈']).map((t) => JSON.stringify(t)).join(', ')}]`,
    'author: 三明市委政法委',
    `date: ${a.date ?? '2025-03-01'}`,
    ...(a.cover ? [`cover: ${a.cover}`] : []),
    '---',
    '',
    a.body,
    '',
  ].join('\n');
}

export class ContentFolder {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pst-articles-'));
  write(a: ArticleFixture, name = `${a.slug}.md`): void {
    writeFileSync(path.join(this.dir, name), articleFile(a));
  }
  writeRaw(name: string, text: string): void {
    writeFileSync(path.join(this.dir, name), text);
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function articlesContext(folder: ContentFolder | undefined, overrides: ConfigOverrides = {}, opts: { now?: () => Date } = {}): Promise<TestContext> {
  return createTestContext({ ...overrides, articles: { contentDir: folder?.dir ?? '', ...(overrides.articles ?? {}) } }, opts);
}
