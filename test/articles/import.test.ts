import { expect } from 'chai';
import { usingMysql } from '../support/database.js';
import type { TestContext } from '../support/harness.js';
import { parseArticleFile } from '../../src/articles/import.js';
import { articlesContext, ContentFolder } from './helpers.js';

const count = async (ctx: TestContext, table: string) => {
  const rows = await ctx.services.db.sequelize.query(`SELECT COUNT(*) AS n FROM ${table}`, { type: 'SELECT' }) as Array<{ n: number | string }>;
  return Number(rows[0]?.n);
};

describe(`articles: import of content/articles (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let folder: ContentFolder;
  let ctx: TestContext | undefined;
  beforeEach(() => {
    folder = new ContentFolder();
    folder.write({ slug: 'how-to-send-a-tip', title: '怎样反映问题', body: '## 第一步\n\n在公众号里点「我要反映」。', tags: ['反映问题'] });
    folder.write({ slug: 'phone-fraud', title: '接到“公检法”电话怎么办', body: '公检法不会在电话里办案。', date: '2025-04-02' });
  });
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
    folder.remove();
  });

  it('creates new slugs published at their date, and does nothing the second time', async () => {
    ctx = await articlesContext(folder);
    const { repo } = ctx.services.articles;
    const a = await repo.publishedBySlug('phone-fraud');
    expect(a).to.include({ state: 'published', title: '接到“公检法”电话怎么办', author: '三明市委政法委', revision: 1, createdBy: null });
    expect(a!.publishedAt!.toISOString()).to.equal('2025-04-01T16:00:00.000Z'); // midnight in Beijing
    expect(a!.tags).to.deep.equal(['反诈']);
    expect(await count(ctx, 'article_revisions')).to.equal(2);

    const again = await ctx.services.articles.importContent();
    expect(again).to.deep.include({ created: [], updated: [], kept: [], invalid: [] });
    expect(again.unchanged).to.have.members(['how-to-send-a-tip', 'phone-fraud']);
    expect(await count(ctx, 'article_revisions')).to.equal(2);
    expect(await count(ctx, 'article_events')).to.equal(4); // created + published, each
  });

  it('adds a revision for a changed file, and keeps an article staff edited since', async () => {
    ctx = await articlesContext(folder);
    const { repo, service } = ctx.services.articles;
    const importContent = () => ctx!.services.articles.importContent();
    folder.write({ slug: 'phone-fraud', title: '接到“公检法”电话怎么办', body: '公检法不会在电话里办案，更不会要你转账。', date: '2025-04-02' });
    const changed = await importContent();
    expect(changed.updated).to.deep.equal(['phone-fraud']);
    const updated = await repo.publishedBySlug('phone-fraud');
    expect(updated).to.include({ revision: 2, state: 'published' });
    expect(updated!.body).to.include('转账');

    // An editor corrects the live article; the next change of the file does not overwrite it.
    const admin = { id: 1, role: 'admin' };
    await service.update(admin, updated!.id, { ...updated!, body: '编辑改过的正文。' });
    folder.write({ slug: 'phone-fraud', title: '接到“公检法”电话怎么办', body: '文件里的第三版。', date: '2025-04-02' });
    const third = await importContent();
    expect(third.kept).to.deep.equal(['phone-fraud']);
    const kept = await repo.publishedBySlug('phone-fraud');
    expect(kept).to.include({ revision: 3, body: '编辑改过的正文。' });
    expect(await count(ctx, 'article_revisions')).to.equal(4);
  });

  it('skips a file with bad front matter, files sharing a slug, and JavaScript front matter, and imports the rest', async () => {
    folder.writeRaw('bad.md', '---\ntitle: 没有网址名\n---\n正文');
    folder.writeRaw('dup.md', '---\ntitle: 重复\nslug: phone-fraud\nsummary: s\nauthor: a\ndate: 2025-01-01\n---\n正文');
    folder.writeRaw('evil.md', '---js\n{ title: (globalThis.pwned = 1, "x") }\n---\n正文');
    ctx = await articlesContext(undefined);
    ctx.services.config.articles.contentDir = folder.dir;
    const report = await ctx.services.articles.importContent();
    expect(report.created).to.deep.equal(['how-to-send-a-tip']);
    expect(report.invalid).to.have.members(['bad.md', 'evil.md', 'dup.md', 'phone-fraud.md']);
    expect((globalThis as { pwned?: number }).pwned).to.equal(undefined);
  });

  it('reads front matter: date as YYYY-MM-DD, tags as a list, optional cover', () => {
    const a = parseArticleFile('a.md', '---\ntitle: 标题\nslug: a-b\nsummary: 摘要\ntags:\n  - 反诈\n  - 平安\nauthor: 作者\ndate: 2025-12-31\ncover: /img/a.png\n---\n\n正文\n');
    expect(a).to.deep.include({ slug: 'a-b', tags: ['反诈', '平安'], coverUrl: '/img/a.png', body: '正文\n' });
    expect(a.date.toISOString()).to.equal('2025-12-30T16:00:00.000Z');
    expect(() => parseArticleFile('b.md', '---\ntitle: 标题\nslug: a-b\nsummary: 摘要\nauthor: 作者\ndate: 2025-13-45\n---\n正文')).to.throw(/date/);
  });
});
