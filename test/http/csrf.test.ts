// CSRF beyond SameSite (issue 15, item 5), over real HTTP on the composed app: a state-changing
// request must come from PUBLIC_ORIGIN (Origin, else Referer) and carry a JSON content type, also
// with an empty body. GET and the WeChat webhook are not affected. src/http/csrf.ts.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { loadConfig } from '../../src/config/index.js';
import { ChatClient, type Transport } from '../../src/cli/chat-client.js';
import type { TestContext } from '../support/harness.js';
import { addStaff, context, PASSWORD, staffAgent, submission } from '../tips/helpers.js';
import { bodyOf, errorOf, type ClaimBody } from '../support/api.js';

const run = promisify(execFile);
const EVIL = 'https://evil.example';
const STATE_CHANGING = ['/api/staff/login', '/api/staff/logout', '/api/staff/tips/claim-next'];

async function sessionRows(ctx: TestContext): Promise<number> {
  const [row] = await ctx.services.db.sequelize.query('SELECT COUNT(*) AS n FROM staff_sessions', { type: 'SELECT' }) as Array<{ n: number | string }>;
  return Number(row!.n);
}

/** The refusal in the project's error format: the stable code, a message, never a stack. */
function expectRefusal(res: request.Response, status: number, code: string): void {
  expect(res.status, `${res.status} ${res.text}`).to.equal(status);
  expect(res.body).to.have.keys('error');
  expect(errorOf(res)).to.have.keys('code', 'message');
  expect(errorOf(res).code).to.equal(code);
  expect(res.text).not.to.match(/\bat .*\.ts:\d+/);
}

describe('CSRF: state-changing staff requests need the public origin and a JSON body', function () {
  this.timeout(30_000);
  let ctx: TestContext;
  const login = { username: 'triage1', password: PASSWORD };
  before(async () => {
    ctx = await context();
    await addStaff(ctx, { username: 'triage1', role: 'triage' });
  });
  after(async () => ctx.close());

  it('accepts a same-origin JSON login and refuses the same login from another origin, making no session', async () => {
    const ok = await request(ctx.callback).post('/api/staff/login').set('Origin', ctx.config.publicOrigin).send(login);
    expect(ok.status, ok.text).to.equal(200);
    const before = await sessionRows(ctx);
    for (const origin of [EVIL, 'null', `${ctx.config.publicOrigin}.evil.example`, 'http://pingan-sanming.test', `${ctx.config.publicOrigin}, ${EVIL}`]) {
      const res = await request(ctx.callback).post('/api/staff/login').set('Origin', origin).send(login);
      expectRefusal(res, 403, 'ORIGIN_MISMATCH');
      expect(res.headers['set-cookie'], origin).to.equal(undefined);
    }
    expect(await sessionRows(ctx)).to.equal(before);
  });

  it('refuses a signed-in staff member\'s POST, PUT, PATCH and DELETE from another origin, before the handler runs', async () => {
    const { agent } = await staffAgent(ctx, { username: 'triage2', role: 'triage' });
    await ctx.services.tips.desk.submit(submission());
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const res = await agent[method]('/api/staff/tips/claim-next').set('Origin', EVIL).send({});
      expectRefusal(res, 403, 'ORIGIN_MISMATCH');
    }
    // Nothing was claimed by the refused POST; the same request from the public origin claims it.
    const [{ n }] = await ctx.services.db.sequelize.query("SELECT COUNT(*) AS n FROM tips WHERE state = 'claimed'", { type: 'SELECT' }) as unknown as [{ n: number | string }];
    expect(Number(n)).to.equal(0);
    const claimed = await agent.post('/api/staff/tips/claim-next').send({}).expect(200);
    expect(bodyOf<ClaimBody>(claimed).tip).to.not.equal(null);
    // A path spelt in another case still routes (the router ignores case): it is refused all the same.
    expectRefusal(await request(ctx.callback).post('/API/STAFF/login').set('Origin', EVIL).send(login), 403, 'ORIGIN_MISMATCH');
  });

  it('without Origin, reads Referer: the public origin passes, another does not', async () => {
    const ok = await request(ctx.callback).post('/api/staff/login').set('Referer', `${ctx.config.publicOrigin}/console/login?x=1`).send(login);
    expect(ok.status, ok.text).to.equal(200);
    for (const referer of [`${EVIL}/page`, 'not a url', `${ctx.config.publicOrigin}.evil.example/`]) {
      expectRefusal(await request(ctx.callback).post('/api/staff/login').set('Referer', referer).send(login), 403, 'ORIGIN_MISMATCH');
    }
    // Origin wins over Referer.
    const res = await request(ctx.callback).post('/api/staff/login').set('Origin', EVIL).set('Referer', `${ctx.config.publicOrigin}/`).send(login);
    expectRefusal(res, 403, 'ORIGIN_MISMATCH');
  });

  it('accepts a JSON request with no Origin, Referer nor Sec-Fetch-Site (no browser), refuses a browser\'s without Origin', async () => {
    const ok = await request(ctx.callback).post('/api/staff/login').send(login);
    expect(ok.status, ok.text).to.equal(200);
    const res = await request(ctx.callback).post('/api/staff/login').set('Sec-Fetch-Site', 'cross-site').send(login);
    expectRefusal(res, 403, 'ORIGIN_REQUIRED');
  });

  it('refuses form-encoded, text/plain and untyped bodies, empty or not, with 415, also from the public origin', async () => {
    await addStaff(ctx, { username: 'triage3', role: 'triage' });
    const signedIn = await request(ctx.callback).post('/api/staff/login').set('Origin', ctx.config.publicOrigin)
      .send({ username: 'triage3', password: PASSWORD }).expect(200);
    const cookie = String(signedIn.headers['set-cookie']?.[0]).split(';')[0]!;
    const bodies: Array<[string | undefined, string]> = [
      ['application/x-www-form-urlencoded', 'username=triage1&password=correct-horse-battery'],
      ['application/x-www-form-urlencoded', ''],
      ['text/plain', '{"username":"triage1","password":"correct-horse-battery"}'],
      ['text/plain', ''],
      ['multipart/form-data; boundary=x', ''],
      [undefined, ''],
    ];
    for (const path of STATE_CHANGING) {
      for (const [type, body] of bodies) {
        const req = request(ctx.callback).post(path).set('Origin', ctx.config.publicOrigin).set('Cookie', cookie);
        if (type) req.set('Content-Type', type);
        const res = await (body === '' ? req : req.send(body));
        expectRefusal(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
    }
    // The session survived every refused logout.
    await request(ctx.callback).get('/api/staff/me').set('Cookie', cookie).expect(200);
  });

  it('leaves GET alone, whatever the origin, and labels refusals by a fixed route, never the raw path', async () => {
    const { agent } = await staffAgent(ctx, { username: 'triage4', role: 'triage' });
    const me = await agent.get('/api/staff/me').set('Origin', EVIL).set('Sec-Fetch-Site', 'cross-site').set('Content-Type', 'text/plain');
    expect(me.status, me.text).to.equal(200);
    await agent.get('/api/staff/tips').set('Origin', EVIL).expect(200);
    await request(ctx.callback).get('/healthz').set('Origin', EVIL).expect(200);
    expectRefusal(await agent.post('/api/staff/tips/SM250101ABCDEF/assign').set('Origin', EVIL).send({}), 403, 'ORIGIN_MISMATCH');
    const metrics = await request(ctx.callback).get('/metrics').set('Authorization', `Bearer ${ctx.config.metricsToken}`).expect(200);
    expect(metrics.text).to.match(/http_requests_total\{[^}]*route="csrf_refused"[^}]*status="403"/);
    expect(metrics.text).not.to.contain('SM250101ABCDEF');
  });

  it('leaves the WeChat webhook alone: a cross-origin text/xml POST to /wechat is answered', async () => {
    const statuses: number[] = [];
    const transport: Transport = {
      async post(pathAndQuery, body) {
        const res = await request(ctx.callback).post(pathAndQuery).set('Origin', EVIL).set('Sec-Fetch-Site', 'cross-site')
          .set('Content-Type', 'text/xml').send(body);
        statuses.push(res.status);
        return { status: res.status, text: res.text };
      },
    };
    const citizen = new ChatClient({ transport, token: ctx.config.wechat.token, openid: 'o_csrf_citizen' });
    const reply = await citizen.text('帮助');
    expect(statuses).to.deep.equal([200]);
    expect(JSON.stringify(reply)).to.contain('举报');
    // The same request to a staff route is refused.
    expectRefusal(await request(ctx.callback).post('/api/staff/login').set('Origin', EVIL).set('Content-Type', 'text/xml').send('<xml/>'), 403, 'ORIGIN_MISMATCH');
  });
});

describe('config: PUBLIC_ORIGIN', function () {
  this.timeout(30_000);

  it('is read from the environment and kept as scheme://host[:port]', async () => {
    const script = "import('./src/config/index.ts').then(async (m) => process.stdout.write(JSON.stringify((await m.loadConfig()).publicOrigin)))";
    const env = { ...process.env, NODE_ENV: 'test', PUBLIC_ORIGIN: 'https://Staff.Sanming.gov.cn:443/' };
    const out = await run(process.execPath, ['--import', 'tsx', '-e', script], { env });
    expect(JSON.parse(out.stdout)).to.equal('https://staff.sanming.gov.cn');
  });

  it('names the key when it is missing or not an origin', async () => {
    for (const bad of ['', 'staff.sanming.gov.cn', 'ftp://staff.sanming.gov.cn', 'https://staff.sanming.gov.cn/console', 'https://u:p@staff.sanming.gov.cn', 'https://staff.sanming.gov.cn/?x']) {
      let message = '';
      try { await loadConfig({ publicOrigin: bad }); } catch (err) { message = (err as Error).message; }
      expect(message, bad).to.contain('publicOrigin').and.contain('PUBLIC_ORIGIN');
    }
  });
});
