import { expect } from 'chai';
import {
  assertCan, can, isSensitiveTip, matchesListFilter, POLICY_ACTIONS, PolicyError, tipListFilter,
  type Actor, type PolicyAction, type TipScope,
} from '../../src/tips/policy.js';

// Places: 三元区 with 列东街道 and 列西街道; 永安市 with 燕东街道.
const OWN_COUNTY = '350404';
const OTHER_COUNTY = '350481';
const OWN_TOWNSHIP = '350404001';
const OTHER_TOWNSHIP = '350404002';

const ACTORS = {
  admin: { id: 1, role: 'admin', unitKey: 'zfw' },
  supervisor: { id: 2, role: 'supervisor', unitKey: 'zfw' },
  triage: { id: 3, role: 'triage', unitKey: 'zfw' },
  county: { id: 4, role: 'county', countyCode: OWN_COUNTY, unitKey: 'zfw_350404' },
  township: { id: 5, role: 'township', countyCode: OWN_COUNTY, townshipCode: OWN_TOWNSHIP, unitKey: 'centre_350404001' },
  editor: { id: 6, role: 'editor', unitKey: 'media' },
  discipline: { id: 7, role: 'county', countyCode: OWN_COUNTY, unitKey: 'discipline' },
} as const satisfies Record<string, Actor>;
type ActorName = keyof typeof ACTORS;

const routine = { legalType: 'appeal', category: 'dispute' } as const;
const accusation = { legalType: 'accusation', category: 'report' } as const;

/** The six scopes of the matrix; the last one depends on who is asking. */
function scopes(actor: Actor): Record<ScopeName, TipScope> {
  return {
    ownCounty: { ...routine, countyCode: OWN_COUNTY, townshipCode: null },
    otherCounty: { ...routine, countyCode: OTHER_COUNTY, townshipCode: '350481001' },
    ownTownship: { ...routine, countyCode: OWN_COUNTY, townshipCode: OWN_TOWNSHIP },
    otherTownship: { ...routine, countyCode: OWN_COUNTY, townshipCode: OTHER_TOWNSHIP },
    accusation: { ...accusation, countyCode: OWN_COUNTY, townshipCode: OWN_TOWNSHIP, accusedUnitKey: 'police' },
    accusationNamingMe: { ...accusation, countyCode: OWN_COUNTY, townshipCode: OWN_TOWNSHIP, accusedUnitKey: actor.unitKey ?? null },
  };
}
const SCOPE_NAMES = ['ownCounty', 'otherCounty', 'ownTownship', 'otherTownship', 'accusation', 'accusationNamingMe'] as const;
type ScopeName = (typeof SCOPE_NAMES)[number];

const TIP_ACTIONS = POLICY_ACTIONS.filter((a) => a.startsWith('tip.'));

// The expectations, written out. Order follows POLICY_ACTIONS.
const EVERY: PolicyAction[] = [
  'tip.list', 'tip.view', 'tip.view_identity', 'tip.claim', 'tip.assign', 'tip.set_colour', 'tip.start',
  'tip.answer', 'tip.extend', 'tip.reject', 'tip.mark_duplicate', 'tip.close', 'tip.reopen', 'tip.release',
];
const SUPERVISE: PolicyAction[] = [
  'tip.list', 'tip.view', 'tip.view_identity', 'tip.assign', 'tip.set_colour', 'tip.extend', 'tip.close',
  'tip.reopen', 'tip.release',
];
const TRIAGE: PolicyAction[] = [
  'tip.list', 'tip.view', 'tip.view_identity', 'tip.claim', 'tip.assign', 'tip.set_colour', 'tip.answer',
  'tip.reject', 'tip.mark_duplicate', 'tip.close', 'tip.reopen', 'tip.release',
];
const HANDLE: PolicyAction[] = ['tip.list', 'tip.view', 'tip.start', 'tip.answer', 'tip.extend'];
const HANDLE_WITH_IDENTITY: PolicyAction[] = ['tip.list', 'tip.view', 'tip.view_identity', 'tip.start', 'tip.answer', 'tip.extend'];
const NOTHING: PolicyAction[] = [];

const EXPECTED: Record<ActorName, Record<ScopeName, PolicyAction[]>> = {
  admin: {
    ownCounty: EVERY, otherCounty: EVERY, ownTownship: EVERY, otherTownship: EVERY,
    accusation: EVERY, accusationNamingMe: NOTHING,
  },
  supervisor: {
    ownCounty: SUPERVISE, otherCounty: SUPERVISE, ownTownship: SUPERVISE, otherTownship: SUPERVISE,
    accusation: SUPERVISE, accusationNamingMe: NOTHING,
  },
  triage: {
    ownCounty: TRIAGE, otherCounty: TRIAGE, ownTownship: TRIAGE, otherTownship: TRIAGE,
    accusation: TRIAGE, accusationNamingMe: NOTHING,
  },
  county: {
    ownCounty: HANDLE, otherCounty: NOTHING, ownTownship: HANDLE, otherTownship: HANDLE,
    accusation: NOTHING, accusationNamingMe: NOTHING,
  },
  township: {
    ownCounty: NOTHING, otherCounty: NOTHING, ownTownship: HANDLE, otherTownship: NOTHING,
    accusation: NOTHING, accusationNamingMe: NOTHING,
  },
  editor: {
    ownCounty: NOTHING, otherCounty: NOTHING, ownTownship: NOTHING, otherTownship: NOTHING,
    accusation: NOTHING, accusationNamingMe: NOTHING,
  },
  discipline: {
    ownCounty: HANDLE_WITH_IDENTITY, otherCounty: NOTHING, ownTownship: HANDLE_WITH_IDENTITY,
    otherTownship: HANDLE_WITH_IDENTITY, accusation: HANDLE_WITH_IDENTITY, accusationNamingMe: NOTHING,
  },
};

describe('tips/policy', () => {
  describe('matrix: role × scope × action', () => {
    for (const name of Object.keys(ACTORS) as ActorName[]) {
      const actor: Actor = ACTORS[name];
      const tips = scopes(actor);
      for (const scope of SCOPE_NAMES) {
        it(`${name} on ${scope}`, () => {
          const allowed = TIP_ACTIONS.filter((a) => can(actor, a, tips[scope]));
          expect(allowed).to.deep.equal(EXPECTED[name][scope]);
        });
      }
    }
  });

  describe('the list filter agrees with tip.view', () => {
    for (const name of Object.keys(ACTORS) as ActorName[]) {
      it(name, () => {
        const actor: Actor = ACTORS[name];
        const filter = tipListFilter(actor);
        for (const [scope, tip] of Object.entries(scopes(actor))) {
          expect(matchesListFilter(filter, tip), scope).to.equal(can(actor, 'tip.view', tip));
        }
      });
    }
  });

  it('list filters, spelled out', () => {
    expect(tipListFilter(ACTORS.admin)).to.deep.equal({ all: true, excludeSensitive: false, excludeAccusedUnitKey: 'zfw' });
    expect(tipListFilter(ACTORS.triage)).to.deep.equal({ all: true, excludeSensitive: false, excludeAccusedUnitKey: 'zfw' });
    expect(tipListFilter(ACTORS.county))
      .to.deep.equal({ countyCode: OWN_COUNTY, excludeSensitive: true, excludeAccusedUnitKey: 'zfw_350404' });
    expect(tipListFilter(ACTORS.township))
      .to.deep.equal({ townshipCode: OWN_TOWNSHIP, excludeSensitive: true, excludeAccusedUnitKey: 'centre_350404001' });
    expect(tipListFilter(ACTORS.discipline))
      .to.deep.equal({ countyCode: OWN_COUNTY, excludeSensitive: false, excludeAccusedUnitKey: 'discipline' });
    expect(tipListFilter(ACTORS.editor)).to.deep.equal({ none: true });
    expect(tipListFilter({ id: 9, role: 'admin' })).to.deep.equal({ all: true, excludeSensitive: false, excludeAccusedUnitKey: null });
  });

  it('staff without a place of their own see nothing', () => {
    const lost: Actor = { id: 8, role: 'county', countyCode: null };
    const tip = scopes(lost).ownCounty;
    expect(can(lost, 'tip.view', tip)).to.equal(false);
    expect(can(lost, 'tip.view', { ...tip, countyCode: null })).to.equal(false);
    expect(tipListFilter(lost)).to.deep.equal({ none: true });
    expect(tipListFilter({ id: 10, role: 'township', townshipCode: '' })).to.deep.equal({ none: true });
  });

  it('either mark makes a tip sensitive: legal type 检举控告 or category report', () => {
    expect(isSensitiveTip({ legalType: 'accusation', category: 'legal' })).to.equal(true);
    expect(isSensitiveTip({ legalType: 'appeal', category: 'report' })).to.equal(true);
    expect(isSensitiveTip({ legalType: 'appeal', category: 'security' })).to.equal(false);
    const county: Actor = ACTORS.county;
    const base = { countyCode: OWN_COUNTY, townshipCode: OWN_TOWNSHIP };
    expect(can(county, 'tip.view', { ...base, legalType: 'accusation', category: 'legal' })).to.equal(false);
    expect(can(county, 'tip.view', { ...base, legalType: 'appeal', category: 'report' })).to.equal(false);
  });

  it('a unit named as accused never sees the tip, whatever its type', () => {
    const tip: TipScope = { ...routine, countyCode: OWN_COUNTY, townshipCode: OWN_TOWNSHIP, accusedUnitKey: 'zfw_350404' };
    expect(can(ACTORS.county, 'tip.view', tip)).to.equal(false);
    expect(can(ACTORS.township, 'tip.view', tip)).to.equal(true);
  });

  it('an actor without a unit is not taken for the accused of a tip without one', () => {
    expect(can({ id: 9, role: 'admin' }, 'tip.view', { ...accusation, accusedUnitKey: null })).to.equal(true);
  });

  describe('without a tip: may the role do it at all (menus)', () => {
    const cases: Array<[ActorName, PolicyAction, boolean]> = [
      ['county', 'tip.answer', true],
      ['county', 'tip.claim', false],
      ['county', 'tip.view_identity', false],
      ['discipline', 'tip.view_identity', true],
      ['editor', 'tip.list', false],
      ['township', 'tip.list', true],
      ['supervisor', 'tip.answer', false],
      ['triage', 'tip.extend', false],
    ];
    for (const [name, action, ok] of cases) it(`${name} ${action} → ${ok}`, () => expect(can(ACTORS[name], action)).to.equal(ok));
  });

  describe('non-tip actions', () => {
    const EXPECT: Record<ActorName, { stats: boolean; staff: boolean }> = {
      admin: { stats: true, staff: true },
      supervisor: { stats: true, staff: false },
      triage: { stats: false, staff: false },
      county: { stats: false, staff: false },
      township: { stats: false, staff: false },
      editor: { stats: false, staff: false },
      discipline: { stats: false, staff: false },
    };
    for (const name of Object.keys(ACTORS) as ActorName[]) {
      it(name, () => {
        expect(can(ACTORS[name], 'stats.view')).to.equal(EXPECT[name].stats);
        expect(can(ACTORS[name], 'staff.manage')).to.equal(EXPECT[name].staff);
      });
    }
  });

  it('assertCan throws PolicyError FORBIDDEN (403), and passes silently when allowed', () => {
    const tip = scopes(ACTORS.county).otherCounty;
    expect(() => assertCan(ACTORS.county, 'tip.view', scopes(ACTORS.county).ownCounty)).not.to.throw();
    try {
      assertCan(ACTORS.county, 'tip.view', tip);
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(PolicyError);
      expect(err).to.include({ code: 'FORBIDDEN', status: 403, action: 'tip.view' });
    }
  });
});
