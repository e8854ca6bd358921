// Who may do what with which tip: the one place that answers it. Routes, services and the
// repository's list query all ask here, so a rule cannot be enforced in one path and
// forgotten in another. Pure: the actor and the tip's scope come in as plain data.
import type { Category, LegalType, Role } from './types.js';

export interface Actor {
  id: number;
  role: Role;
  countyCode?: string | null;
  townshipCode?: string | null;
  unitKey?: string | null;
}

/** The fields of a tip that decide access. */
export interface TipScope {
  countyCode?: string | null;
  townshipCode?: string | null;
  legalType: LegalType;
  category: Category;
  handlingUnitKey?: string | null;
  /** The unit a 检举控告 names; that unit must never see the tip (信访工作条例 Art 30). */
  accusedUnitKey?: string | null;
}

export const POLICY_ACTIONS = [
  'tip.list', 'tip.view', 'tip.view_identity', 'tip.claim', 'tip.assign', 'tip.set_colour',
  'tip.start', 'tip.answer', 'tip.extend', 'tip.reject', 'tip.mark_duplicate', 'tip.close',
  'tip.reopen', 'tip.release', 'stats.view', 'staff.manage',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** The unit trusted with accusations and with reporters' identities (纪检监察). */
export const DISCIPLINE_UNIT = 'discipline';

const ALL = new Set<PolicyAction>(POLICY_ACTIONS);
const HANDLER = new Set<PolicyAction>(['tip.list', 'tip.view', 'tip.start', 'tip.answer', 'tip.extend']);

// What each role may do at all; the tip's scope then narrows it. Supervisors escalate
// (colour), reassign, extend, close and free stuck claims; triage also records a citizen's
// 复查 request that arrives off-line; county and township staff handle and answer.
const ROLE_ACTIONS: Readonly<Record<Role, ReadonlySet<PolicyAction>>> = {
  admin: ALL,
  supervisor: new Set<PolicyAction>([
    'tip.list', 'tip.view', 'tip.view_identity', 'tip.assign', 'tip.set_colour', 'tip.extend',
    'tip.close', 'tip.reopen', 'tip.release', 'stats.view',
  ]),
  triage: new Set<PolicyAction>([
    'tip.list', 'tip.view', 'tip.view_identity', 'tip.claim', 'tip.assign', 'tip.set_colour',
    'tip.answer', 'tip.reject', 'tip.mark_duplicate', 'tip.close', 'tip.reopen', 'tip.release',
  ]),
  county: HANDLER,
  township: HANDLER,
  editor: new Set<PolicyAction>(),
};

const CITY_WIDE: ReadonlySet<Role> = new Set<Role>(['admin', 'supervisor', 'triage']);

/** 检举控告 and 'report' tips: only city staff and the discipline unit may see them. */
export function isSensitiveTip(tip: Pick<TipScope, 'legalType' | 'category'>): boolean {
  return tip.legalType === 'accusation' || tip.category === 'report';
}

const isDiscipline = (actor: Actor) => actor.unitKey === DISCIPLINE_UNIT;

function inGeography(actor: Actor, tip: TipScope): boolean {
  if (CITY_WIDE.has(actor.role)) return true;
  if (actor.role === 'county') return Boolean(actor.countyCode) && tip.countyCode === actor.countyCode;
  if (actor.role === 'township') return Boolean(actor.townshipCode) && tip.townshipCode === actor.townshipCode;
  return false;
}

/** Whether the actor may see the tip at all; every tip action requires it. */
function canSee(actor: Actor, tip: TipScope): boolean {
  // Any tip naming the actor's own unit, whatever its type: the accused never reads it.
  if (tip.accusedUnitKey && actor.unitKey === tip.accusedUnitKey) return false;
  if (isSensitiveTip(tip) && !CITY_WIDE.has(actor.role) && !isDiscipline(actor)) return false;
  return inGeography(actor, tip);
}

/**
 * Whether the actor may perform the action. Without `tip`, a tip action asks whether the
 * role may do it to some tip (for menus); with `tip`, the tip's scope is checked too.
 */
export function can(actor: Actor, action: PolicyAction, tip?: TipScope): boolean {
  if (!ROLE_ACTIONS[actor.role].has(action)) {
    // County/township staff of the discipline unit are the one exception a role table
    // cannot express: they are entitled to the reporter's identity.
    if (!(action === 'tip.view_identity' && isDiscipline(actor) && ROLE_ACTIONS[actor.role].has('tip.view'))) {
      return false;
    }
  }
  if (!action.startsWith('tip.') || tip === undefined) return true;
  return canSee(actor, tip);
}

export class PolicyError extends Error {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
  readonly expose = true;
  readonly action: PolicyAction;

  constructor(action: PolicyAction) {
    super('无权执行此操作');
    this.name = 'PolicyError';
    this.action = action;
  }
}

export function assertCan(actor: Actor, action: PolicyAction, tip?: TipScope): void {
  if (!can(actor, action, tip)) throw new PolicyError(action);
}

interface ListRestrictions {
  /** Leave out tips for which isSensitiveTip() holds. */
  excludeSensitive: boolean;
  /** Leave out tips whose accusedUnitKey equals this (when not null). */
  excludeAccusedUnitKey: string | null;
}

/**
 * The list query's WHERE, as data: one geographic choice plus two exclusions. A repository
 * must apply all three; `matchesListFilter` is the reference meaning.
 */
export type TipListFilter =
  | { none: true }
  | (ListRestrictions & ({ all: true } | { countyCode: string } | { townshipCode: string }));

export function tipListFilter(actor: Actor): TipListFilter {
  if (!ROLE_ACTIONS[actor.role].has('tip.list')) return { none: true };
  const restrictions: ListRestrictions = {
    excludeSensitive: !CITY_WIDE.has(actor.role) && !isDiscipline(actor),
    excludeAccusedUnitKey: actor.unitKey ?? null,
  };
  if (CITY_WIDE.has(actor.role)) return { all: true, ...restrictions };
  if (actor.role === 'county' && actor.countyCode) return { countyCode: actor.countyCode, ...restrictions };
  if (actor.role === 'township' && actor.townshipCode) return { townshipCode: actor.townshipCode, ...restrictions };
  return { none: true };
}

/** In-memory reading of a filter: for in-memory repositories and to test SQL against. */
export function matchesListFilter(filter: TipListFilter, tip: TipScope): boolean {
  if ('none' in filter) return false;
  if (filter.excludeSensitive && isSensitiveTip(tip)) return false;
  if (filter.excludeAccusedUnitKey !== null && tip.accusedUnitKey === filter.excludeAccusedUnitKey) return false;
  if ('countyCode' in filter) return tip.countyCode === filter.countyCode;
  if ('townshipCode' in filter) return tip.townshipCode === filter.townshipCode;
  return true;
}
