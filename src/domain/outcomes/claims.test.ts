import { describe, expect, it } from 'vitest';
import { assessClaim, claimTotals, defaultClaimSettings, evaluateArea, problemAreasFromMeasures, type ClaimCase, paymentModels, type ClaimResult } from './claims.ts';
import { emptyHouseholdMeasures, emptyMemberMeasures, mergeAgencyMeasures, type MemberMeasures, type TimePoint } from './measures.ts';

const at = (values: Partial<Record<TimePoint, Partial<MemberMeasures>>>) =>
  Object.fromEntries(Object.entries(values).map(([t, v]) => [t, { ...emptyMemberMeasures(), ...v }]));

/** A family attached with three problems (school, offending, substance use), each improved and held 6 months after closure. */
function aFamily(over: Partial<ClaimCase> = {}): ClaimCase {
  return {
    caseId: 'case-1', familyId: 'family-1', hasDependentChildren: true, hasLeadPractitioner: true, assessmentComplete: true, planAgreed: true,
    closed: true, monthsSinceClosure: 7, areasAtAttachment: ['education', 'substance_use', 'crime'], planAreas: ['education', 'substance_use', 'crime'], goalDistance: {},
    members: [
      { memberType: 'adult', measures: at({ referral: { substanceTreatment: 'not_engaged' }, closure: { substanceTreatment: 'engaged' }, follow_up_6: { substanceTreatment: 'completed' } }) },
      { memberType: 'child', measures: at({
        referral: { attendancePercent: 70, offences12m: 3, offences6m: 2 }, closure: { attendancePercent: 93, exclusions: 0, offences6m: 0 },
        follow_up_6: { attendancePercent: 95, exclusions: 0, offences6m: 1 } }) },
    ],
    household: {},
    ...over,
  };
}

describe('Supporting Families claims', () => {
  it('pays the attachment fee and the results payment when every problem shows sustained progress', () => {
    const result = assessClaim(aFamily(), defaultClaimSettings);
    expect(result.areas.map((a) => [a.area, a.state])).toEqual([['education', 'met'], ['substance_use', 'met'], ['crime', 'met']]);
    expect(result).toMatchObject({ attached: true, status: 'eligible', missing: [], payment: 1800 });
  });

  it('lists a family as close when only the 6-month check is still to come, and says so', () => {
    const family = aFamily({ monthsSinceClosure: 2 });
    for (const m of family.members) delete m.measures.follow_up_6;
    const result = assessClaim(family, defaultClaimSettings);
    expect(result.status).toBe('close');
    expect(result.payment).toBe(1000);
    expect(result.missing).toContain('Getting a good education: Met at closure; not yet shown 6 months after closure');
  });

  it('says what is missing when progress did not hold and the plan misses a problem', () => {
    const family = aFamily({ planAreas: ['education', 'crime'] });
    family.members[1].measures.follow_up_6!.attendancePercent = 80;
    const result = assessClaim(family, defaultClaimSettings);
    expect(result.status).toBe('not_eligible');
    expect(result.missing).toEqual([
      'The plan has no goal for: Better managed substance use',
      'Getting a good education: 6 months after closure: School attendance (%) at least 90: not met (70 at referral, 80 now)',
    ]);
  });

  it('does not attach a family with fewer than the minimum problems, and the minimum is configurable', () => {
    const family = aFamily({ areasAtAttachment: ['education', 'crime'] });
    expect(assessClaim(family, defaultClaimSettings)).toMatchObject({ attached: false, status: 'not_eligible', payment: 0 });
    expect(assessClaim(family, defaultClaimSettings).missing[0]).toBe('2 of the 3 problems needed at attachment');
    expect(assessClaim(family, { ...defaultClaimSettings, minimumProblems: 2, resultsPayment: 500 })).toMatchObject({ status: 'eligible', payment: 1500 });
  });

  it('reads problems from baseline measures', () => {
    const family = aFamily();
    family.household = { referral: { ...emptyHouseholdMeasures(), domesticAbuseIncidents: 2, rentArrears: 300 } };
    expect(problemAreasFromMeasures(family)).toEqual(['education', 'substance_use', 'crime', 'domestic_abuse', 'housing']);
  });

  it('uses distance travelled where an area has no measure, and a longer sustain period when set', () => {
    const family = aFamily({ areasAtAttachment: ['family_relationships'], goalDistance: { family_relationships: 5 } });
    expect(evaluateArea(family, { area: 'family_relationships', criteria: [{ measure: 'goalDistance', kind: 'at_least', value: 4 }], sustainedMonths: 6 }).state).toBe('met');
    expect(evaluateArea({ ...family, goalDistance: { family_relationships: 3 } }, { area: 'family_relationships', criteria: [{ measure: 'goalDistance', kind: 'at_least', value: 4 }], sustainedMonths: 6 }).state).toBe('not_met');
    expect(evaluateArea(family, { area: 'education', criteria: [{ measure: 'attendancePercent', kind: 'at_least', value: 90 }], sustainedMonths: 12 }).state).toBe('pending');
  });

  it('totals the payments', () => {
    const eligible = assessClaim(aFamily(), defaultClaimSettings);
    const attachedOnly = assessClaim(aFamily({ caseId: 'c2', assessmentComplete: false }), defaultClaimSettings);
    const notAttached = assessClaim(aFamily({ caseId: 'c3', hasDependentChildren: false }), defaultClaimSettings);
    expect(claimTotals([eligible, attachedOnly, notAttached], defaultClaimSettings)).toEqual({
      families: 3, attached: 2, eligible: 1, close: 1, attachmentFees: 2000, resultsPayments: 800, upfrontFunding: 0, total: 2800,
    });
  });
});

describe('measures from agency data', () => {
  it('fills empty fields and never overwrites what a practitioner typed', () => {
    const current = { ...emptyMemberMeasures(), attendancePercent: 82 };
    const merged = mergeAgencyMeasures(current, { attendancePercent: 75, exclusions: 2 }, {}, 'School census, autumn term');
    expect(merged.measures).toMatchObject({ attendancePercent: 82, exclusions: 2 });
    expect(merged.filled).toEqual(['exclusions']);
    const again = mergeAgencyMeasures(merged.measures, { exclusions: 3 }, merged.sources, 'School census, spring term');
    expect(again.measures.exclusions).toBe(3);
    expect(again.sources).toEqual({ exclusions: 'School census, spring term' });
  });
});

describe('the crime rule at referral', () => {
  it('reads the 6-monthly rate from a 12-month count when the 6-month count was not taken', () => {
    const family = aFamily({ areasAtAttachment: ['crime'], planAreas: ['crime'] });
    family.members[1].measures.referral!.offences6m = null;
    family.members[1].measures.referral!.offences12m = 6;
    family.members[1].measures.closure!.offences6m = 2;
    family.members[1].measures.follow_up_6!.offences6m = 2;
    expect(evaluateArea(family, defaultClaimSettings.rules.find((r) => r.area === 'crime')!).state).toBe('met');
    family.members[1].measures.follow_up_6!.offences6m = 3;
    expect(evaluateArea(family, defaultClaimSettings.rules.find((r) => r.area === 'crime')!).reason)
      .toBe('6 months after closure: Proven offences (last 6 months) falls by at least 33%: not met (3 at referral, 3 now)');
  });
});

describe('how the programme pays', () => {
  it('names the £1,000 + £800 default as the Troubled Families phase 2 preset, with its source', () => {
    expect(defaultClaimSettings).toMatchObject({ paymentModel: 'troubled_families_phase_2', attachmentFee: 1000, resultsPayment: 800, upfrontFunding: 0 });
    expect(paymentModels.troubled_families_phase_2.label).toBe('Troubled Families phase 2 (2015 to 2020)');
    expect(paymentModels.troubled_families_phase_2.source).toContain('£1,000 attachment fee and then an additional £800 per family');
  });

  it('has no amounts of its own for Supporting Families 2022 to 2025: upfront funding plus the council’s results payment', () => {
    expect(paymentModels.supporting_families_2022_25.amounts).toBeUndefined();
    const settings = { ...defaultClaimSettings, paymentModel: 'supporting_families_2022_25' as const, attachmentFee: 0, upfrontFunding: 250_000, resultsPayment: 900 };
    const results = [{ attached: true, status: 'eligible' }, { attached: true, status: 'close' }] as ClaimResult[];
    expect(claimTotals(results, settings)).toMatchObject({ attachmentFees: 0, upfrontFunding: 250_000, resultsPayments: 900, total: 250_900 });
  });
});
