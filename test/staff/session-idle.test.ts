// A console left open on a desk: a session unused for staff.idleMinutes ends, on the API and on
// the pages; what the member does keeps it alive, what a page fetches by itself does not.
import { expect } from 'chai';
import type { TestContext } from '../support/harness.js';
import { errorOf } from '../support/api.js';
import { context, staffAgent, type Agent } from '../tips/helpers.js';

const MINUTE = 60_000;

describe('staff sessions: the idle limit', () => {
  let ctx: TestContext;
  afterEach(async () => { await ctx.close(); });

  const sql = (query: string, replacements: unknown[] = []) =>
    ctx.services.db.sequelize.query(query, { replacements, type: 'SELECT' }) as Promise<Array<Record<string, unknown>>>;
  /** Moves the only session's last use `minutes` into the past (or empties it: a session from before migration 027). */
  async function lastUsed(minutes: number | null): Promise<void> {
    const at = minutes === null ? null : new Date(Date.now() - minutes * MINUTE);
    await ctx.services.db.sequelize.query('UPDATE staff_sessions SET last_seen_at = ?, created_at = ?', {
      replacements: [at, new Date(Date.now() - (minutes ?? 31) * MINUTE)],
    });
  }
  const seenAgo = async (): Promise<number> => {
    const [row] = await sql('SELECT last_seen_at FROM staff_sessions');
    return (Date.now() - new Date(row!.last_seen_at as string | Date).getTime()) / MINUTE;
  };
  const signedIn = async (): Promise<Agent> => (await staffAgent(ctx, { username: 'triage1', role: 'triage' })).agent;

  it('ends a session left unused for the idle limit: the API answers 401, a page sends to sign-in', async () => {
    ctx = await context({ staff: { idleMinutes: 30 } });
    const agent = await signedIn();
    await lastUsed(31);
    const page = await agent.get('/staff/queue').expect(303);
    expect(page.headers.location).to.match(/^\/staff\/login\?next=%2Fstaff%2Fqueue&expired=1$/);
    expect(errorOf(await agent.get('/api/staff/me').expect(401)).code).to.equal('UNAUTHENTICATED');
    expect(await sql('SELECT token_hash FROM staff_sessions')).to.have.length(0);
  });

  it('keeps a session in use alive, with one write a minute at most', async () => {
    ctx = await context({ staff: { idleMinutes: 30 } });
    const agent = await signedIn();
    await lastUsed(29);
    await agent.get('/staff/queue').expect(200);
    expect(await seenAgo()).to.be.below(1);
    await lastUsed(29.5);
    await agent.get('/api/staff/tips').expect(200);
    expect(await seenAgo()).to.be.below(1);
    // Within the minute: not written again.
    await lastUsed(0.5);
    await agent.get('/api/staff/me').expect(200);
    expect(await seenAgo()).to.be.within(0.45, 0.6);
  });

  it('does not count what a page fetches by itself (the queue\'s refresh, the sign-in check) as use', async () => {
    ctx = await context({ staff: { idleMinutes: 30 } });
    const agent = await signedIn();
    await lastUsed(20);
    await agent.get('/staff/queue').set('X-Staff-Background', '1').expect(200);
    await agent.get('/api/staff/me').set('X-Staff-Background', '1').expect(200);
    expect(await seenAgo()).to.be.within(19.9, 20.1);
    await lastUsed(30.5);
    await agent.get('/api/staff/me').set('X-Staff-Background', '1').expect(401);
  });

  it('counts a session from before the idle limit from its sign-in, and has no idle limit at 0', async () => {
    ctx = await context({ staff: { idleMinutes: 30 } });
    const old = await signedIn();
    await lastUsed(null);
    await old.get('/api/staff/me').expect(401);
    await ctx.close();

    ctx = await context({ staff: { idleMinutes: 0 } });
    const agent = await signedIn();
    await lastUsed(5 * 60);
    await agent.get('/api/staff/me').expect(200);
  });
});
