// The console's menu: only the sections the policy lets this staff member use, so a page never
// offers what the API would refuse.
import type { Context } from 'koa';
import { canArticle } from '../../articles/rules.js';
import { can } from '../../tips/policy.js';
import { ROLE_LABELS } from '../../tips/types.js';
import type { StaffPrincipal } from '../accounts.js';

export interface MenuItem { href: string; label: string; current: boolean }

/**
 * Articles are ruled by the articles module: reading the list needs an article role (editor,
 * admin). Anti-fraud alerts go by the same rules (src/alerts), so the same roles read them.
 */
const mayReadArticles = (staff: StaffPrincipal) => canArticle(staff, 'article.read', undefined, { selfPublish: false });

const SECTIONS: ReadonlyArray<{ href: string; label: string; may: (staff: StaffPrincipal) => boolean }> = [
  { href: '/staff/queue', label: '事项', may: (s) => can(s, 'tip.list') },
  { href: '/staff/dashboard', label: '统计', may: (s) => can(s, 'stats.view') },
  { href: '/staff/articles', label: '文章', may: mayReadArticles },
  { href: '/staff/alerts', label: '防骗预警', may: mayReadArticles },
  { href: '/staff/accounts', label: '账号管理', may: (s) => can(s, 'staff.manage') },
];

export function menuFor(staff: StaffPrincipal, path: string): MenuItem[] {
  return SECTIONS.filter((s) => s.may(staff)).map((s) => ({
    href: s.href, label: s.label, current: path === s.href || path.startsWith(`${s.href}/`),
  }));
}

/** What the layout shows for the signed-in staff member (pageContext of the web base). */
export function staffPageContext(ctx: Context): Record<string, unknown> {
  const staff = ctx.state.staff;
  if (!staff) return {};
  return { nav: menuFor(staff, ctx.path), roleLabel: ROLE_LABELS[staff.role] };
}
