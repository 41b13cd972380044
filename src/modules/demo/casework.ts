/**
 * Casework for the demo: referrals and cases made through the same services a user would use,
 * so the demo key worker and manager open Lantern to live work (a case awaiting allocation,
 * allocated cases, referrals to screen, one of them for a family already known).
 */
import type { Actor } from '../../domain/actor.ts';
import type { Services } from '../../services.ts';
import { demoSignIns } from '../../domain/demo/generator.ts';

const programmeIds = {
  option2: '5d0c1e4a-0001-4a00-8000-000000000001',
  earlyIntervention: '5d0c1e4a-0001-4a00-8000-000000000002',
  intensive: '5d0c1e4a-0001-4a00-8000-000000000003',
};

async function actorFor(services: Services, email: string): Promise<Actor> {
  const [user] = await services.db.query<{ id: string; role: Actor['role']; display_name: string; agency_id: string; team_id: string | null }>(
    'SELECT id, role, display_name, agency_id, team_id FROM app_user WHERE email = $1', [email]);
  if (!user) throw new Error(`The demo user ${email} is missing`);
  return { id: user.id, role: user.role, displayName: user.display_name, agencyId: user.agency_id, teamId: user.team_id, ip: 'demo seed' };
}

export async function seedDemoCasework(services: Services): Promise<{ cases: number; referrals: number }> {
  const keyWorker = await actorFor(services, demoSignIns[0].email);
  const manager = await actorFor(services, demoSignIns[1].email);
  // The demo manager screens the partnership's front door (referrals not sent to a particular team).
  await services.db.query('UPDATE app_user SET front_door_screener = true WHERE id = $1', [manager.id]);
  // Each family's first parent or carer by name, so a referral's reasons fit the household it is about.
  const led = await services.db.query<{ family_id: string; family_name: string; carer: string | null }>(
    `SELECT fp.family_id, f.family_name,
            (SELECT p.given_name FROM person p WHERE p.family_id = f.id AND p.member_type = 'adult'
              ORDER BY p.role = 'mother' DESC, p.role = 'father' DESC, p.date_of_birth LIMIT 1) AS carer
       FROM family_professional fp JOIN family f ON f.id = fp.family_id
      WHERE fp.user_id = $1 AND fp.is_lead AND fp.left_on IS NULL ORDER BY f.reference LIMIT 4`, [keyWorker.id]);
  const reasons = (carer: string) => [
    `Police attended a domestic abuse incident at the home; the children were present. ${carer} has been drinking heavily.`,
    `School attendance has fallen below 80%; the children say they look after ${carer}, who is unwell.`,
    `${carer} is in drug treatment and wants help with the children’s routines and the rent arrears.`,
    `The health visitor is worried about the children’s routines; ${carer} has depression and little support.`,
  ];
  const programmes = [programmeIds.option2, programmeIds.earlyIntervention, programmeIds.intensive, programmeIds.earlyIntervention];
  let cases = 0;
  for (const [i, family] of led.entries()) {
    const { id } = await services.referrals.refer(manager, {
      familyId: family.family_id, referrerName: ['Tom Gallagher', 'Amina Begum', 'Northvale Recovery Partnership', 'Northvale Health Visiting'][i],
      referrerAgency: ['Northvale Police', 'Northvale Schools', 'Northvale Recovery Partnership', 'Northvale Health Visiting'][i],
      referrerContact: 'safeguarding@northvale.example', needCodes: [['3B', '1B'], ['4B', '7A'], ['2B'], ['4B']][i], reasons: reasons(family.carer ?? 'the parent')[i],
      urgency: i === 0 ? 'urgent' : 'routine', consent: i === 0 ? 'not_given' : 'given',
      lawfulBasis: i === 0 ? 'Safeguarding children at risk: public task; Data Protection Act 2018, Schedule 1, paragraph 18' : '',
    });
    const screened = await services.referrals.screen(manager, id, { decision: 'accepted', reason: 'Meets the threshold for the programme', programmeId: programmes[i], familyChoice: family.family_id, version: 1 });
    if (i < 3) await services.cases.allocate(manager, screened.caseId!, { keyWorkerId: keyWorker.id, overCaseloadReason: 'Demo: the key worker already leads these families' });
    cases += 1;
  }
  // Two referrals waiting for the manager: one names a family Lantern already knows.
  const known = await services.db.query<{ given_name: string; family_name: string; date_of_birth: string; role: string }>(
    `SELECT p.given_name, p.family_name, p.date_of_birth, p.role FROM person p JOIN family f ON f.id = p.family_id
      WHERE p.member_type = 'adult' AND p.date_of_birth IS NOT NULL ORDER BY f.reference DESC LIMIT 1`);
  await services.referrals.refer(manager, {
    familyName: known[0].family_name, addressLine1: '', postcode: '',
    members: [{ givenName: known[0].given_name, familyName: known[0].family_name, role: known[0].role, dateOfBirth: known[0].date_of_birth }],
    referrerName: 'Northvale Homes', referrerAgency: 'Northvale Homes', referrerContact: 'tenancy@northvale.example', needCodes: ['4B'],
    reasons: 'Eviction notice served for rent arrears; the tenant told the housing officer that the family are struggling to cope.', urgency: 'urgent', consent: 'given',
  });
  await services.referrals.refer(manager, {
    familyName: 'Novak', addressLine1: '4 Quarry Row', postcode: 'NV4 2DX',
    members: [{ givenName: 'Ewa', familyName: 'Novak', role: 'mother', dateOfBirth: '1994-07-11' }, { givenName: 'Leo', familyName: 'Novak', role: 'child', dateOfBirth: '2019-02-03' }],
    referrerName: 'Ewa Novak', referrerAgency: 'Self-referral', referrerContact: '07700 900123', selfReferral: true, needCodes: ['4B'],
    reasons: 'Ewa asked at the family hub for help: she is feeling low since her partner left and is finding mornings hard.', urgency: 'routine', consent: 'given',
  });
  return { cases, referrals: cases + 2 };
}
