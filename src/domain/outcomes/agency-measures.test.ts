import { describe, expect, it } from 'vitest';
import { agencyMeasures, matchMember, type AgencyRecord, type FamilyMember, type LinkedPersonRecords } from './agency-measures.ts';
import { mergeAgencyMeasures } from './measures.ts';

const members: FamilyMember[] = [
  { id: 'kerry', givenName: 'Kerry', familyName: 'Walsh', dateOfBirth: '1990-05-17' },
  { id: 'tyler', givenName: 'Tyler', familyName: 'Walsh', dateOfBirth: '2014-08-09' },
];
const rec = (source: string, eventDate: string, fields: AgencyRecord['fields']): AgencyRecord => ({ source, eventDate, fields });
const person = (personId: string, firstName: string, dateOfBirth: string | null, records: AgencyRecord[]): LinkedPersonRecords =>
  ({ personId, firstName, lastName: 'Walsh', dateOfBirth, records });
const bySource = (asOf: string, people: LinkedPersonRecords[]) => Object.fromEntries(agencyMeasures(asOf, people, members).map((s) => [s.source, s]));

describe('matching a linked person to a family member', () => {
  it('needs the same date of birth and a similar name', () => {
    expect(matchMember({ firstName: 'Kerri', lastName: 'Walsh', dateOfBirth: '1990-05-17' }, members)).toBe('kerry');
    expect(matchMember({ firstName: 'Kerry', lastName: 'Walsh', dateOfBirth: '1990-05-18' }, members)).toBeNull();
    expect(matchMember({ firstName: 'Kerry', lastName: 'Walsh', dateOfBirth: null }, members)).toBeNull();
    expect(matchMember({ firstName: 'Donna', lastName: 'Walsh', dateOfBirth: '1990-05-17' }, members)).toBeNull();
  });

  it('tells twins apart by name and refuses to guess between two equal names', () => {
    const twins: FamilyMember[] = [{ id: 'a', givenName: 'Amy', familyName: 'Lee', dateOfBirth: '2015-01-01' }, { id: 'b', givenName: 'Ben', familyName: 'Lee', dateOfBirth: '2015-01-01' }];
    expect(matchMember({ firstName: 'Ben', lastName: 'Lee', dateOfBirth: '2015-01-01' }, twins)).toBe('b');
    const same: FamilyMember[] = [{ ...twins[0] }, { ...twins[0], id: 'c' }];
    expect(matchMember({ firstName: 'Amy', lastName: 'Lee', dateOfBirth: '2015-01-01' }, same)).toBeNull();
  });
});

describe('measures from linked agency records', () => {
  it('counts police incidents (not rows) in the 6 months before the date, for the whole household', () => {
    const kerry = person('p1', 'Kerry', '1990-05-17', [
      rec('police-da', '2026-06-01', { incident_ref: 'INC-1', role: 'victim' }), rec('police-da', '2026-08-01', { incident_ref: 'INC-2', role: 'victim' }),
      rec('police-da', '2026-01-15', { incident_ref: 'INC-0', role: 'victim' }), rec('police-da', '2026-10-02', { incident_ref: 'INC-3', role: 'victim' }),
    ]);
    // The partner is not a Lantern member, but an incident at the address is still the household's.
    const partner = person('p2', 'Dean', '1988-01-01', [rec('police-da', '2026-06-01', { incident_ref: 'INC-1', role: 'perpetrator' }), rec('police-da', '2026-09-01', { incident_ref: 'INC-4', role: 'perpetrator' })]);
    const set = bySource('2026-10-01', [kerry, partner])['police-da'];
    expect(set.household).toEqual({ domesticAbuseIncidents: 3 });
    expect(set.label).toBe('Police domestic abuse incidents (linked agency data)');
    expect(set.members).toEqual([]);
  });

  it('never turns no records into a zero', () => {
    const kerry = person('p1', 'Kerry', '1990-05-17', [rec('police-da', '2025-01-01', { incident_ref: 'INC-0' }), rec('youth-offending', '2025-01-01', { kind: 'proven_offence' })]);
    expect(agencyMeasures('2026-10-01', [kerry], members)).toEqual([]);
  });

  it('takes the latest attendance in the window and adds suspensions and a permanent exclusion', () => {
    const tyler = person('p3', 'Tyler', '2014-08-09', [
      rec('school', '2026-04-15', { attendance_percent: 70, suspensions: 1, permanent_exclusion: false }),
      rec('school', '2026-07-20', { attendance_percent: 41, suspensions: 2, permanent_exclusion: true }),
      rec('school', '2025-12-20', { attendance_percent: 95, suspensions: 4, permanent_exclusion: false }),
    ]);
    expect(bySource('2026-10-01', [tyler]).school.members).toEqual([{ personId: 'tyler', measures: { attendancePercent: 41, exclusions: 4 } }]);
  });

  it('takes a school return that reports no exclusions as zero exclusions', () => {
    const tyler = person('p3', 'Tyler', '2014-08-09', [rec('school', '2026-07-20', { attendance_percent: 96, suspensions: 0, permanent_exclusion: false })]);
    expect(bySource('2026-10-01', [tyler]).school.members[0].measures).toEqual({ attendancePercent: 96, exclusions: 0 });
  });

  it('counts proven offences and anti-social behaviour in 6 and 12 months', () => {
    const tyler = person('p3', 'Tyler', '2014-08-09', [
      rec('youth-offending', '2026-09-01', { kind: 'proven_offence' }), rec('youth-offending', '2026-02-01', { kind: 'proven_offence' }),
      rec('youth-offending', '2026-03-01', { kind: 'anti_social_behaviour' }),
    ]);
    expect(bySource('2026-10-01', [tyler])['youth-offending'].members[0].measures).toEqual({ offences6m: 1, offences12m: 2, asb12m: 1 });
  });

  it('gives the highest social care status open on the date, and the days Looked After in the window', () => {
    const tyler = person('p3', 'Tyler', '2014-08-09', [
      rec('social-care', '2025-06-01', { status: 'CIN', start_date: '2025-06-01', end_date: null }),
      rec('social-care', '2026-09-01', { status: 'LAC', start_date: '2026-09-01', end_date: '2026-09-10' }),
      rec('social-care', '2026-09-20', { status: 'CP', start_date: '2026-09-20', end_date: null }),
    ]);
    expect(bySource('2026-10-01', [tyler])['social-care'].members[0].measures).toEqual({ legalStatus: 'child_protection_plan', daysInCare: 10 });
  });

  it('calls an open treatment episode engagement and says nothing about an ended one', () => {
    const open = person('p1', 'Kerri', '1990-05-17', [rec('drug-alcohol', '2026-02-01', { treatment_start: '2026-02-01', treatment_end: null })]);
    expect(bySource('2026-10-01', [open])['drug-alcohol'].members[0].measures).toEqual({ substanceTreatment: 'engaged' });
    const ended = person('p1', 'Kerri', '1990-05-17', [rec('drug-alcohol', '2026-02-01', { treatment_start: '2026-02-01', treatment_end: '2026-05-01' })]);
    expect(bySource('2026-10-01', [ended])['drug-alcohol']).toBeUndefined();
  });

  it('takes the latest arrears and counts eviction notices served in the window', () => {
    const kerry = person('p1', 'Kerry', '1990-05-17', [
      rec('housing', '2026-06-30', { arrears_amount: 900, eviction_notice_date: null }), rec('housing', '2026-09-30', { arrears_amount: 1450.4, eviction_notice_date: '2026-09-01' }),
    ]);
    expect(bySource('2026-10-01', [kerry]).housing.household).toEqual({ rentArrears: 1450, evictionNotices: 1 });
  });

  it('ignores what happened after the date', () => {
    const tyler = person('p3', 'Tyler', '2014-08-09', [rec('school', '2026-07-20', { attendance_percent: 41 })]);
    expect(agencyMeasures('2026-07-19', [tyler], members)).toEqual([]);
  });
});

describe('merging agency measures', () => {
  it('does not count the same value filled again as a new fill', () => {
    const first = mergeAgencyMeasures({ exclusions: null as number | null }, { exclusions: 2 }, {}, 'School');
    expect(first.filled).toEqual(['exclusions']);
    const again = mergeAgencyMeasures(first.measures, { exclusions: 2 }, first.sources, 'School');
    expect(again.filled).toEqual([]);
  });
});
