// Fixtures of the alerts tests: a composed app on a movable clock, alert bodies for the staff API,
// and a shortcut that writes, submits and publishes an alert through the service.
import type { ConfigOverrides } from '../../src/config/index.js';
import type { ArticleActor } from '../../src/articles/types.js';
import type { Alert, AlertContent } from '../../src/alerts/index.js';
import type { staffAlertView } from '../../src/alerts/routes.js';
import { createTestContext, type TestContext } from '../support/harness.js';

export type StaffAlert = Awaited<ReturnType<typeof staffAlertView>>;
export interface AlertBody { alert: StaffAlert }

/** 三元区, 永安市, 沙县区: three of Sanming's county codes. */
export const SANYUAN = '350404';
export const YONGAN = '350481';
export const SHAXIAN = '350405';

export class MovableClock {
  constructor(public t: Date) {}
  now = (): Date => this.t;
  advanceDays(days: number): void {
    this.t = new Date(this.t.getTime() + days * 86_400_000);
  }
}

export async function alertsContext(clock: MovableClock, overrides: ConfigOverrides = {}): Promise<TestContext> {
  return createTestContext({ ...overrides, articles: { contentDir: '', ...(overrides.articles ?? {}) } }, { now: clock.now });
}

/** A body for POST /api/staff/alerts. */
export const alertInput = (over: Record<string, unknown> = {}) => ({
  title: '冒充公检法电话又来了',
  summary: '自称民警说您涉嫌洗钱，要您转到安全账户的，都是骗子。',
  fraudType: 'police',
  severity: 'severe',
  counties: [],
  body: '## 骗子怎么说\n\n“您的银行卡涉嫌洗钱，请把钱转到**安全账户**。”\n\n公安机关没有安全账户。拿不准就拨打 96110，已经转账的拨打 110。',
  validUntil: '2026-05-31',
  author: '三明市公安局反诈中心',
  ...over,
});

/** The content the service takes, from the same defaults. */
export function alertContent(over: Partial<AlertContent> = {}): AlertContent {
  const i = alertInput();
  return {
    title: i.title, summary: i.summary, fraudType: 'police', severity: 'severe', counties: [], body: i.body,
    validUntil: new Date('2026-05-31T15:59:59.999Z'), author: i.author, ...over,
  };
}

/** Written by `writer`, submitted, published by `publisher` (another staff member, or the admin). */
export async function publishedAlert(ctx: TestContext, writer: ArticleActor, publisher: ArticleActor, over: Partial<AlertContent> = {}): Promise<Alert> {
  const { service } = ctx.services.alerts;
  const a = await service.create(writer, alertContent(over));
  await service.submit(writer, a.id);
  return service.publish(publisher, a.id);
}
