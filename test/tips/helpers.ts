// Shared fixtures for the tips and staff integration tests: a whole composed app per context,
// staff accounts created through the same rules as the CLI, and logged-in supertest agents.
import request from 'supertest';
import type { TipDesk, TipSubmission } from '../../src/bot/ports.js';
import type { CitizenRef } from '../../src/bot/types.js';
import { createStaff, defineStaffModels, type NewStaff, type StaffPrincipal } from '../../src/staff/accounts.js';
import { createTestContext, type TestContext } from '../support/harness.js';
import type { ConfigOverrides } from '../../src/config/index.js';

export type Agent = ReturnType<typeof request.agent>;

export const PASSWORD = 'correct-horse-battery';

let seq = 0;
export function submission(over: Partial<TipSubmission> = {}): TipSubmission {
  seq += 1;
  return {
    citizen: { channel: 'official_account', id: `openid-${seq}` },
    category: 'dispute',
    description: '邻居装修噪音扰民，晚上十点后还在施工',
    transcript: [{ at: new Date().toISOString(), from: 'citizen', kind: 'text', text: '邻居装修噪音扰民' }],
    attachments: [],
    place: { countyCode: '350404', townshipCode: '350404001', text: '列东街道' },
    contact: { anonymous: false, name: '张三', phone: '13912345678' },
    danger: false,
    submissionKey: `key-${Date.now()}-${seq}-${Math.random()}`,
    ...over,
  };
}

export async function context(overrides: ConfigOverrides = {}): Promise<TestContext> {
  return createTestContext(overrides);
}

export async function addStaff(ctx: TestContext, input: Partial<NewStaff> & { username: string; role: string }): Promise<StaffPrincipal> {
  const models = defineStaffModels(ctx.services.db);
  return createStaff(ctx.services.db, models, { password: PASSWORD, ...input }, { passwordCost: ctx.config.staff.passwordCost });
}

/**
 * An agent (cookie jar) that sends what a browser on the staff pages sends: `Origin` = the
 * configured public origin on every request, and a JSON content type also when there is no body
 * (src/http/csrf.ts refuses anything else on a state-changing request).
 */
export function browserAgent(ctx: TestContext): Agent {
  return request.agent(ctx.callback).set('Origin', ctx.config.publicOrigin).set('Content-Type', 'application/json');
}

/** A logged-in agent (cookie jar) for a new staff account, from the public origin (browserAgent). */
export async function staffAgent(ctx: TestContext, input: Partial<NewStaff> & { username: string; role: string }): Promise<{ agent: Agent; staff: StaffPrincipal }> {
  const staff = await addStaff(ctx, input);
  const agent = browserAgent(ctx);
  const res = await agent.post('/api/staff/login').send({ username: input.username, password: input.password ?? PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, staff };
}

/** What a reply that went out shows the citizen: the waiting notices, held, then recorded delivered. */
export async function showNotices(desk: TipDesk, citizen: CitizenRef): Promise<string[]> {
  const held = await desk.holdNotices(citizen);
  await desk.noticesDelivered(citizen, held.map((n) => n.id));
  return held.map((n) => n.text);
}
