// The console's menu: only the sections the policy lets this staff member use, so a page never
// offers what the API would refuse.
import type { Context } from 'koa';
import { can, type PolicyAction } from '../../tips/policy.js';
import { ROLE_LABELS } from '../../tips/types.js';
import type { StaffPrincipal } from '../accounts.js';

export interface MenuItem { href: string; label: string; current: boolean }

const SECTIONS: ReadonlyArray<{ href: string; label: string; needs: PolicyAction }> = [
  { href: '/staff/queue', label: '事项', needs: 'tip.list' },
  { href: '/staff/dashboard', label: '统计', needs: 'stats.view' },
  { href: '/staff/accounts', label: '账号管理', needs: 'staff.manage' },
];

export function menuFor(staff: StaffPrincipal, path: string): MenuItem[] {
  return SECTIONS.filter((s) => can(staff, s.needs)).map((s) => ({
    href: s.href, label: s.label, current: path === s.href || path.startsWith(`${s.href}/`),
  }));
}

/** What the layout shows for the signed-in staff member (pageContext of the web base). */
export function staffPageContext(ctx: Context): Record<string, unknown> {
  const staff = ctx.state.staff;
  if (!staff) return {};
  return { nav: menuFor(staff, ctx.path), roleLabel: ROLE_LABELS[staff.role] };
}
