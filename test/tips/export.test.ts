import { expect } from 'chai';
import type { Response } from 'supertest';
import { createTipRepository } from '../../src/tips/repository.js';
import { csvCell, csvLine, EXPORT_HEADER, tipsCsv } from '../../src/tips/export.js';
import type { TestContext } from '../support/harness.js';
import { usingMysql } from '../support/database.js';
import { addStaff, context, staffAgent, submission, type Agent } from './helpers.js';

/** The raw bytes of a response (supertest would decode text and could drop the BOM). */
const bytes = (res: Response) => res.body as Buffer;
const binary = (agent: Agent, url: string) => agent.get(url).buffer(true).parse((res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
});

/** Rows of a CSV this module wrote (quoted cells may hold commas and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 1; } else cell += ch;
  }
  return rows;
}

describe(`tips CSV export (${usingMysql() ? 'MariaDB' : 'SQLite'})`, () => {
  let ctx: TestContext;
  let codes: { sanyuan: string; yongan: string; formula: string };
  beforeEach(async () => {
    ctx = await context();
    const desk = ctx.services.tips.desk;
    const sanyuan = await desk.submit(submission({
      description: '邻居吵架，请打我电话13912345678或者 0598-8234567 联系', contact: { anonymous: false, name: '王五', phone: '13800001111' },
    }));
    const yongan = await desk.submit(submission({ category: 'fraud', description: '接到冒充公检法电话，要我转账', place: { countyCode: '350481', townshipCode: '350481001', text: '燕东街道' } }));
    const formula = await desk.submit(submission({ category: 'other', description: '=HYPERLINK("http://evil.example","点我"),还有"引号"' }));
    codes = { sanyuan: sanyuan.code, yongan: yongan.code, formula: formula.code };
    // The 永安 tip is assigned to 永安市: county staff see the tips handled in their county.
    const triage = (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;
    for (;;) {
      const claimed = (await triage.post('/api/staff/tips/claim-next').expect(200)).body as { tip: { code: string } | null };
      if (!claimed.tip) break;
      const to = claimed.tip.code === codes.yongan ? '350481' : '350404';
      await triage.post(`/api/staff/tips/${claimed.tip.code}/assign`).send({ countyCode: to }).expect(200);
    }
  });
  afterEach(async () => { await ctx.close(); });

  it('answers UTF-8 with a BOM, the header, one row per tip, masked and neutralised', async () => {
    const supervisor = (await staffAgent(ctx, { username: 'duban', role: 'supervisor' })).agent;
    const res = await binary(supervisor, '/api/staff/tips/export.csv').expect(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="tips\.csv"$/);
    expect(res.headers['cache-control']).to.equal('no-store');
    const raw = bytes(res);
    expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = raw.toString('utf8').slice(1);
    const rows = parseCsv(text);
    expect(rows[0]).to.deep.equal([...EXPORT_HEADER]);
    expect(rows).to.have.length(4);
    expect(rows.slice(1).map((r) => r[0])).to.have.members([codes.sanyuan, codes.yongan, codes.formula]);

    // No phone number, name, openid or landline of the reporter anywhere.
    for (const secret of ['13912345678', '13800001111', '王五', '8234567', 'openid-']) expect(text).to.not.contain(secret);
    const sanyuan = rows.find((r) => r[0] === codes.sanyuan)!;
    expect(sanyuan[17]).to.contain('139****5678');
    expect(sanyuan).to.include.members(['三元区', '列东街道', '已交办', '矛盾纠纷', '申诉求决', '否']);
    const yongan = rows.find((r) => r[0] === codes.yongan)!;
    expect(yongan[9]).to.equal('永安市');
    expect(yongan[11]).to.equal('永安市');

    // A formula is text to the spreadsheet: a leading apostrophe, and CSV quoting kept intact.
    const formula = rows.find((r) => r[0] === codes.formula)!;
    expect(formula[17]).to.equal('\'=HYPERLINK("http://evil.example","点我"),还有"引号"');
    expect(text).to.not.match(/(^|,)=HYPERLINK/m);
  });

  it('holds only the tips in the user\'s scope, and refuses a user who may not list tips', async () => {
    const county = (await staffAgent(ctx, { username: 'yongan', role: 'county', countyCode: '350481' })).agent;
    const rows = parseCsv(bytes(await binary(county, '/api/staff/tips/export.csv').expect(200)).toString('utf8').slice(1));
    expect(rows.slice(1).map((r) => r[0])).to.deep.equal([codes.yongan]);

    const editor = (await staffAgent(ctx, { username: 'editor1', role: 'editor' })).agent;
    await editor.get('/api/staff/tips/export.csv').expect(403);
    await county.get('/api/staff/tips/export.csv?year=20x6').expect(400);
    await county.get('/api/staff/tips/export.csv?identity=1').expect(400);
  });

  it('filters by year and by the queue\'s filters; the dashboard export needs stats.view', async () => {
    const supervisor = (await staffAgent(ctx, { username: 'duban', role: 'supervisor' })).agent;
    const none = parseCsv(bytes(await binary(supervisor, '/api/staff/tips/export.csv?year=2001').expect(200)).toString('utf8').slice(1));
    expect(none).to.have.length(1);
    const fraud = parseCsv(bytes(await binary(supervisor, '/api/staff/tips/export.csv?category=fraud').expect(200)).toString('utf8').slice(1));
    expect(fraud.slice(1).map((r) => r[0])).to.deep.equal([codes.yongan]);
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    const page = await binary(supervisor, `/staff/dashboard/export.csv?year=${year}`).expect(200);
    expect(res200Rows(page)).to.equal(3);
    expect(page.headers['content-disposition']).to.contain(`tips-${year}.csv`);
    const county = (await staffAgent(ctx, { username: 'yongan', role: 'county', countyCode: '350481' })).agent;
    await county.get(`/staff/dashboard/export.csv?year=${year}`).expect(403);
  });

  it('reads the rows in pages and reports how many it wrote', async () => {
    const supervisor = await addStaff(ctx, { username: 'duban2', role: 'supervisor' });
    let count = -1;
    const chunks: string[] = [];
    for await (const chunk of tipsCsv({ db: ctx.services.db, repo: repoOf(ctx) }, supervisor, {}, { pageSize: 2, onEnd: (n) => { count = n; } })) chunks.push(chunk);
    expect(chunks).to.have.length(2);
    expect(count).to.equal(3);
    expect(parseCsv(chunks.join('').slice(1))).to.have.length(4);
  });

  it('neutralises every cell a spreadsheet would run', () => {
    expect(csvCell('=1+1')).to.equal("'=1+1");
    expect(csvCell('+86 139')).to.equal("'+86 139");
    expect(csvCell('-2')).to.equal("'-2");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvCell('\t=1')).to.equal("'\t=1");
    expect(csvCell('a,b')).to.equal('"a,b"');
    expect(csvCell('说"好"')).to.equal('"说""好"""');
    expect(csvLine(['x', 'y\nz'])).to.equal('x,"y\nz"\r\n');
  });
});

function res200Rows(res: Response): number {
  return parseCsv((res.body as Buffer).toString('utf8').slice(1)).length - 1;
}

function repoOf(ctx: TestContext) {
  return createTipRepository(ctx.services.db);
}
