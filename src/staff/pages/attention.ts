// What needs a staff member's attention, shown at the top of every console page: red tips waiting
// to be taken (city staff), tips newly handed to one's unit and not yet opened (county and
// township staff), and tips one handles that the citizen added to since they were last opened.
// Counted within the user's scope by the same list filter as the queue.
import { Op, type WhereOptions } from 'sequelize';
import type { TipRow } from '../../tips/models.js';
import { can, tipListFilter } from '../../tips/policy.js';
import type { TipRepository } from '../../tips/repository.js';
import { handledBy, whereForListFilter } from '../../tips/scope.js';
import type { StaffPrincipal } from '../accounts.js';

export interface AttentionItem { text: string; href: string }

export type AttentionLookup = (staff: StaffPrincipal) => Promise<AttentionItem[]>;

declare module 'koa' {
  interface DefaultState {
    attention?: AttentionItem[];
  }
}

export function attentionLookup(repo: TipRepository): AttentionLookup {
  const count = async (staff: StaffPrincipal, where: WhereOptions<TipRow>) => {
    const scope = whereForListFilter(tipListFilter(staff));
    return scope ? repo.models.Tip.count({ where: { [Op.and]: [scope, where] } }) : 0;
  };
  return async (staff) => {
    const items: AttentionItem[] = [];
    if (!can(staff, 'tip.list')) return items;
    if (staff.role === 'triage' || staff.role === 'supervisor' || staff.role === 'admin') {
      const red = await count(staff, { colour: 'red', state: 'received' });
      if (red > 0) items.push({ text: `有 ${red} 件红色事项等待领取，请尽快处理。`, href: '/staff/queue?colour=red&state=received' });
    }
    if ((staff.role === 'county' || staff.role === 'township') && staff.unitKey) {
      const fresh = await count(staff, { unitKey: staff.unitKey, deliveryState: 'pending' });
      if (fresh > 0) items.push({ text: `有 ${fresh} 件新交办给您单位的事项还没有查看。`, href: '/staff/queue?state=assigned' });
    }
    // What citizens added (补充) to the tips this member handles: their unit's, or those they
    // claimed before any unit has them.
    const added = await count(staff, { [Op.and]: [handledBy(staff), { additionsUnseenAt: { [Op.ne]: null } }] });
    if (added > 0) items.push({ text: `有 ${added} 件您办理的事项，群众又补充了内容，请打开查看。`, href: '/staff/queue?added=1' });
    return items;
  };
}
