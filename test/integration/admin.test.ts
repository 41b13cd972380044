import { testClock } from '../support/clock.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, ValidationError } from '../../src/domain/errors.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { LanternApp } from '../../src/app.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { errorSummary, formOf } from '../support/forms.ts';

async function fieldErrors(work: Promise<unknown>): Promise<Record<string, string>> {
  const error = await work.then(() => null, (e: unknown) => e);
  if (!(error instanceof ValidationError)) throw new Error(`expected field errors, got ${String(error)}`);
  return error.fieldErrors;
}

const auditRows = (t: TestDatabase, action: string) =>
  t.db.query<{ record_id: string; user_id: string | null; detail: { before: unknown; after: Record<string, unknown> } }>(
    'SELECT record_id, user_id, detail FROM audit_event WHERE action = $1 ORDER BY id', [action]);

/** Administration use cases against the real database: first run, users, records, locking and audit. */
describe.each(engines)('administration on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let adminId: string;
  const admin = () => ({ id: adminId, role: 'administrator' as const, displayName: 'Ada Admin', agencyId: '', teamId: null, ip: '127.0.0.1' });

  beforeAll(async () => {
    t = await testDatabase(engine);
    s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('sets up an empty database once, with plain messages for what is missing', async () => {
    expect(await s.admin.isSetUp()).toBe(false);
    expect(await fieldErrors(s.admin.setup({ partnershipName: '', agencyName: '', agencyKind: 'council', email: 'nope', displayName: '', password: 'short' }))).toEqual({
      partnership: 'Give the partnership’s name with --partnership',
      agency: 'Give the first agency’s name with --agency',
      agencyType: expect.stringMatching(/^Give the agency type with --agency-type, one of childrens_social_care, police/),
      password: 'LANTERN_PASSWORD: Password must be 12 characters or more',
      name: 'Give the administrator’s name with --name',
      email: 'Give the administrator’s email address with --email, like name@example.org',
    });
    const made = await s.admin.setup({ partnershipName: 'Northvale', agencyName: 'Northvale Council', agencyKind: 'childrens_social_care', email: 'ada@northvale.example', displayName: 'Ada Admin', password: testPassword });
    adminId = made.userId;
    expect(await s.admin.isSetUp()).toBe(true);
    const signedIn = await s.access.signIn('ada@northvale.example', testPassword, '127.0.0.1');
    expect(signedIn.ok && signedIn.user.role).toBe('administrator');
    await expect(s.admin.setup({ partnershipName: 'Again', agencyName: 'Other', agencyKind: 'police', email: 'b@x.example', displayName: 'B', password: testPassword }))
      .rejects.toThrow('This database already has a partnership');
  });

  it('adds an agency, team and programme, refusing bad answers in plain English', async () => {
    expect(await fieldErrors(s.admin.createAgency(admin(), { name: '', kind: 'council' }))).toEqual({ name: 'Enter the agency’s name', kind: 'Select the type of agency' });
    const agencyId = await s.admin.createAgency(admin(), { name: 'Northvale Police', kind: 'police' });
    expect(await fieldErrors(s.admin.createAgency(admin(), { name: 'northvale police', kind: 'police' }))).toEqual({ name: 'There is already an agency called northvale police' });
    const teamId = await s.admin.createTeam(admin(), { name: 'Early help', agencyId });
    expect((await s.admin.team(admin(), teamId)).agency_name).toBe('Northvale Police');
    expect(await fieldErrors(s.admin.createProgramme(admin(), { name: 'Family Steps', description: 'x', durationWeeks: 'twelve', maxHoursPerWeek: '0', minVisitsPerWeek: '3', maxVisitsPerWeek: '2', firstVisitHours: '72', reviewIntervalDays: '28', caseloadLimit: '6', noContactAlertDays: '7', followUpMonths: '3, six' }))).toEqual({
      durationWeeks: 'Length of the programme in weeks must be a whole number, like 12',
      maxHoursPerWeek: 'Most hours a week must be a number between 0.5 and 80, like 15 or 7.5',
      maxVisitsPerWeek: 'The most visits a week must be the same as or more than the fewest',
      followUpMonths: 'Follow-up months must be whole numbers of months between 1 and 60, separated by commas, like 3, 6, 12',
    });
    const programmeId = await s.admin.createProgramme(admin(), { name: 'Family Steps', description: 'Twelve weeks of support at home.', durationWeeks: 12, maxHoursPerWeek: 7.5, minVisitsPerWeek: 1, maxVisitsPerWeek: 2, firstVisitHours: 72, reviewIntervalDays: 28, caseloadLimit: 8, noContactAlertDays: 10, followUpMonths: [12, 3, 6], safetyPlanAtStart: false });
    const programme = await s.admin.programme(admin(), programmeId);
    expect(programme).toMatchObject({ key: 'family-steps', durationWeeks: 12, maxHoursPerWeek: 7.5, followUpMonths: [3, 6, 12], active: true, version: 1 });
    // The new programme is offered to casework at once.
    expect((await s.cases.programmes()).map((p) => p.name)).toContain('Family Steps');
  });

  it('refuses an edit made from an out-of-date copy, and audits each change with before and after', async () => {
    const agencyId = (await s.admin.agencies(admin())).find((a) => a.name === 'Northvale Police')!.id;
    await s.admin.updateAgency(admin(), agencyId, { name: 'Northvale Constabulary', kind: 'police', version: 1 });
    await expect(s.admin.updateAgency(admin(), agencyId, { name: 'Northvale Police Service', kind: 'police', version: 1 })).rejects.toThrow(ConflictError);
    expect((await s.admin.agency(admin(), agencyId)).name).toBe('Northvale Constabulary');
    const [update] = await auditRows(t, 'update-agency');
    expect(update).toMatchObject({ record_id: agencyId, user_id: adminId, detail: { before: { name: 'Northvale Police', kind: 'police' }, after: { name: 'Northvale Constabulary', kind: 'police' } } });
  });

  it('invites a user with a one-time link; the password they choose signs them in', async () => {
    const agency = (await s.admin.agencies(admin())).find((a) => a.name === 'Northvale Council')!;
    expect(await fieldErrors(s.admin.inviteUser(admin(), { displayName: '', email: 'sam@', role: 'boss', agencyId: 'x' }))).toEqual({
      displayName: 'Enter the person’s full name', email: 'Enter an email address in the correct format, like name@example.org',
      role: 'Select what the person does in Lantern', agencyId: 'Select the person’s agency',
    });
    const { userId, invitation } = await s.admin.inviteUser(admin(), { displayName: 'Sam Lee', email: 'sam@northvale.example', role: 'practitioner', agencyId: agency.id });
    expect((await s.admin.user(admin(), userId))).toMatchObject({ invited: true, active: true, last_sign_in_at: null });
    expect((await s.access.signIn('sam@northvale.example', '', '127.0.0.1')).ok).toBe(false);
    expect(await s.admin.invitation(invitation)).toMatchObject({ display_name: 'Sam Lee' });
    expect(await fieldErrors(s.admin.acceptInvitation(invitation, { password: 'a long password', confirmPassword: 'another one!' }, '127.0.0.1')))
      .toEqual({ confirmPassword: 'Enter the same password twice' });
    await s.admin.acceptInvitation(invitation, { password: 'a long password', confirmPassword: 'a long password' }, '127.0.0.1');
    expect(await s.admin.invitation(invitation)).toBeUndefined();
    await expect(s.admin.acceptInvitation(invitation, { password: 'a second password', confirmPassword: 'a second password' }, '127.0.0.1')).rejects.toThrow('Invitation was not found');
    expect((await s.access.signIn('sam@northvale.example', 'a long password', '127.0.0.1')).ok).toBe(true);
    const user = await s.admin.user(admin(), userId);
    expect(user.invited).toBe(false);
    // a staff member's record and the staff list are personal data: each read is audited, by whom
    await s.admin.users(admin());
    const reads = await t.db.query<{ action: string; user_id: string; record_id: string | null; shown: string | null }>(
      `SELECT action, user_id, record_id, detail->>'shown' AS shown FROM audit_event WHERE action IN ('view-user', 'list-users') ORDER BY id DESC LIMIT 2`);
    expect(reads.map((r) => [r.action, r.user_id, r.record_id])).toEqual([['list-users', adminId, null], ['view-user', adminId, userId]]);
    expect(Number(reads[0].shown)).toBeGreaterThanOrEqual(2);
    expect(user.last_sign_in_at).not.toBeNull();
  });

  it('reports every problem with an answer at once, the database’s among them, with the version (issue 15 item 11)', async () => {
    const council = (await s.admin.agencies(admin())).find((a) => a.name === 'Northvale Council')!;
    const policeTeam = (await s.admin.teams(admin())).find((t) => t.name === 'Early help')!;
    // A name already taken comes with the other fields' problems, not after them.
    expect(await fieldErrors(s.admin.createAgency(admin(), { name: 'northvale council', kind: 'council' }))).toEqual({
      name: 'There is already an agency called northvale council', kind: 'Select the type of agency',
    });
    expect(await fieldErrors(s.admin.createTeam(admin(), { name: 'Early help', agencyId: policeTeam.agency_id, version: 'x' }))).toEqual({
      name: 'Northvale Constabulary already has a team called Early help',
    });
    expect(await fieldErrors(s.admin.updateTeam(admin(), policeTeam.id, { name: 'x'.repeat(121), agencyId: '00000000-0000-4000-8000-000000000000' }))).toEqual({
      name: 'Team’s name must be 120 characters or fewer', agencyId: 'Select the agency the team belongs to', version: 'Reload the page and make your change again',
    });
    expect(await fieldErrors(s.admin.updateDistrict(admin(), (await s.admin.createDistrict(admin(), { name: 'Riverside' })), { name: '' }))).toEqual({
      name: 'Enter the district’s name', version: 'Reload the page and make your change again',
    });
    expect(await fieldErrors(s.admin.createProgramme(admin(), { name: 'family steps', description: '', durationWeeks: '0', maxHoursPerWeek: '8', minVisitsPerWeek: '4', maxVisitsPerWeek: '3', firstVisitHours: '72', reviewIntervalDays: '28', caseloadLimit: '6', noContactAlertDays: '7', followUpMonths: '' }))).toEqual({
      name: 'There is already a programme called family steps',
      description: 'Describe the programme in a sentence or two',
      durationWeeks: 'Length of the programme in weeks must be between 1 and 156',
      maxVisitsPerWeek: 'The most visits a week must be the same as or more than the fewest',
      followUpMonths: 'Enter the months after closure when families are followed up, like 3, 6, 12',
    });
    // An administrator's own account: the role they may not give up, an email address in use, a team of another agency and the version, together.
    expect(await fieldErrors(s.admin.updateUser(admin(), adminId, { displayName: 'Ada Admin', email: 'sam@northvale.example', role: 'manager', agencyId: council.id, teamId: policeTeam.id, frontDoorScreener: 'yes' }))).toEqual({
      email: 'Someone already uses the email address sam@northvale.example',
      role: 'You cannot take away your own administrator role: ask another administrator',
      teamId: 'Early help is not a team of Northvale Council: choose one of its teams, or no team',
      version: 'Reload the page and make your change again',
    });
    expect(await fieldErrors(s.admin.setUserActive(admin(), adminId, {}, false))).toEqual({
      version: 'Reload the page and make your change again', active: 'You cannot disable your own account',
    });
    expect(await fieldErrors(s.admin.acceptInvitation('unknown', { password: 'short', confirmPassword: 'other' }, '127.0.0.1'))).toEqual({
      password: 'Password must be 12 characters or more',
    });
  });

  it('ends an invitation link after 7 days by the app clock’s real time, not the database’s', async () => {
    const agency = (await s.admin.agencies(admin())).find((a) => a.name === 'Northvale Council')!;
    const { invitation } = await s.admin.inviteUser(admin(), { displayName: 'Kit Later', email: 'kit@northvale.example', role: 'practitioner', agencyId: agency.id });
    const base = testClock();
    const later = (days: number) => buildServices(t.db, { sessionHours: 8, clock: { ...base, real: () => new Date(base.real().getTime() + days * 86_400_000) } });
    expect(await later(6.9).admin.invitation(invitation)).toMatchObject({ display_name: 'Kit Later' });
    expect(await later(7.1).admin.invitation(invitation)).toBeUndefined();
    await expect(later(7.1).admin.acceptInvitation(invitation, { password: 'a long password', confirmPassword: 'a long password' }, '127.0.0.1')).rejects.toThrow('Invitation was not found');
    expect(await s.admin.invitation(invitation)).toMatchObject({ display_name: 'Kit Later' });
  });

  it('lets only administrators administer', async () => {
    const agency = (await s.admin.agencies(admin())).find((a) => a.name === 'Northvale Council')!;
    const practitioner = await makeUser(t.db, { agencyId: agency.id });
    await expect(s.admin.users(practitioner)).rejects.toThrow(ForbiddenError);
    await expect(s.admin.createDistrict(practitioner, { name: 'Riverside' })).rejects.toThrow('Only administrators can change users');
  });
});

/** The admin pages and API over HTTP; a disabled person's browser session and API token stop at the next request. */
describe.each(engines)('admin pages and API on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let client: PageClient;
  let adminToken: string;
  let p: Awaited<ReturnType<typeof makePartnership>>;

  beforeAll(async () => {
    t = await testDatabase(engine);
    p = await makePartnership(t.db);
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care, name: 'Ada Admin' });
    app = await testApp(t.db);
    adminToken = await buildServices(t.db, { sessionHours: 8, clock: testClock() }).access.createApiToken(ada.email, 'test');
    client = new PageClient(app);
    await client.signIn(ada.email, testPassword);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('greets an administrator, who works with no families, with where to start instead of an empty list', async () => {
    const home = await client.get('/my-families');
    expect(home.body).toMatch(/<p class="govuk-body" id="role-start">Administrators run the partnership rather than work with families/);
    expect(home.body).toContain('<a class="govuk-link" href="/admin">Administration</a>');
    expect(home.body).not.toContain('You are not working with any families yet');
  });

  it('shows the error summary and replays the answers on a bad form', async () => {
    const sent = await client.post('/admin/users/new', { displayName: 'Jo Bloggs', email: 'jo', role: 'practitioner', agencyId: '' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/admin/users/new');
    const page = await client.get('/admin/users/new');
    expect(page.body).toContain('<title>Error: Add a user – Lantern</title>');
    expect(page.body).toContain('There is a problem');
    expect(page.body).toContain('<a href="#email">Enter an email address in the correct format, like name@example.org</a>');
    expect(page.body).toContain('<a href="#agencyId">Select the person’s agency</a>');
    expect(page.body).toContain('value="Jo Bloggs"');
  });

  it('shows every problem on the user form in one summary, the email address in use and the team of another agency among them', async () => {
    const [{ email: taken }] = await t.db.query<{ email: string }>("SELECT email FROM app_user WHERE display_name = 'Ada Admin'");
    const sent = await client.post('/admin/users/new', { displayName: '', email: taken, role: 'practitioner', agencyId: p.agencies.police, teamId: p.teamId, managedTeamIds: p.otherTeamId });
    expect(sent.headers.location).toBe('/admin/users/new');
    const page = (await client.get('/admin/users/new')).body;
    expect(page).toContain('<a href="#displayName">Enter the person’s full name</a>');
    expect(page).toContain(`<a href="#email">Someone already uses the email address ${taken}</a>`);
    expect(page).toContain('<a href="#teamId">Riverside family support is not a team of Testshire Police: choose one of its teams, or no team</a>');
    expect(page).toContain('<a href="#managedTeamIds">Only a manager can manage teams: choose Manager, or untick the teams</a>');
    expect(page).toContain(`value="${taken}"`);
  });

  it('adds a user from the page and shows their invitation link once', async () => {
    const sent = await client.post('/admin/users/new', { displayName: 'Jo Bloggs', email: 'jo@test.example', role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.teamId, managedTeamIds: [p.teamId, p.otherTeamId] });
    expect(sent.statusCode).toBe(303);
    const linkPage = await client.get(sent.headers.location as string);
    expect(linkPage.body).toContain('<h1 class="govuk-heading-l">Invitation link for Jo Bloggs</h1>');
    expect(linkPage.body).toMatch(/id="invitation-link">http:\/\/localhost:80\/invitations\/[0-9a-f-]{36}</);
    expect((await client.get(sent.headers.location as string)).body).toContain('The link has already been shown');
    const users = await client.get('/admin/users');
    expect(users.body).toMatch(/Jo Bloggs[\s\S]*jo@test.example[\s\S]*Manager[\s\S]*Riverside family support[\s\S]*Invited[\s\S]*Never/);
  });

  it('refuses the admin area to other roles', async () => {
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const other = new PageClient(app);
    await other.signIn(worker.email, testPassword);
    expect((await other.get('/admin/users')).statusCode).toBe(403);
    const token = await buildServices(t.db, { sessionHours: 8, clock: testClock() }).access.createApiToken(worker.email, 'test');
    const api = await app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(403);
  });

  it('works through the API: 400 with field errors, 201, and 409 on a stale version', async () => {
    const headers = { authorization: `Bearer ${adminToken}` };
    const bad = await app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: '' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual({ name: 'Enter the team’s name', agencyId: 'Select the agency the team belongs to' });
    const unlock = await app.inject({ method: 'POST', url: '/api/v1/sign-in-locks/unlock', headers, payload: { email: ' ' } });
    expect(unlock.statusCode).toBe(400);
    expect(unlock.json().fields).toEqual({ email: 'Enter the email address of the account to unlock' });
    const made = await app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: 'Youth team', agencyId: p.agencies.police } });
    expect(made.statusCode).toBe(201);
    const team = made.json();
    expect(team).toMatchObject({ name: 'Youth team', agency_name: 'Testshire Police', version: 1 });
    const renamed = await app.inject({ method: 'PUT', url: `/api/v1/teams/${team.id}`, headers, payload: { name: 'Youth justice team', agencyId: p.agencies.police, version: 1 } });
    expect(renamed.json()).toMatchObject({ name: 'Youth justice team', version: 2 });
    const stale = await app.inject({ method: 'PUT', url: `/api/v1/teams/${team.id}`, headers, payload: { name: 'Again', agencyId: p.agencies.police, version: 1 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toMatch(/^Someone else changed this team while you were editing it/);
  });

  it('locks every kind of record against a stale copy and audits each change with before and after', async () => {
    const headers = { authorization: `Bearer ${adminToken}` };
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) => app.inject({ method, url, headers, payload });
    const programme = {
      name: 'Steady Start', description: 'Support at home for parents.', durationWeeks: 12, maxHoursPerWeek: 7.5, minVisitsPerWeek: 1, maxVisitsPerWeek: 2,
      firstVisitHours: 72, reviewIntervalDays: 28, caseloadLimit: 8, followUpMonths: [3, 6, 12], noContactAlertDays: 7, safetyPlanAtStart: true, availability: 'Weekdays', active: true,
    };
    const person = { displayName: 'Lock Person', email: 'lock.person@test.example', jobTitle: 'Support worker', role: 'practitioner', agencyId: p.agencies.police, managedTeamIds: [], frontDoorScreener: false };
    const kinds: { base: string; what: string; action: string; made: Record<string, unknown>; changed: Record<string, unknown>; before: Record<string, unknown> }[] = [
      { base: '/api/v1/agencies', what: 'agency', action: 'agency', made: { name: 'Lockside Housing', kind: 'housing' }, changed: { name: 'Lockside Homes', kind: 'housing' }, before: { name: 'Lockside Housing', kind: 'housing' } },
      { base: '/api/v1/teams', what: 'team', action: 'team', made: { name: 'Lock team', agencyId: p.agencies.police }, changed: { name: 'Lock youth team', agencyId: p.agencies.police }, before: { name: 'Lock team', agencyId: p.agencies.police } },
      { base: '/api/v1/districts', what: 'district', action: 'district', made: { name: 'Lockside' }, changed: { name: 'Lockside North' }, before: { name: 'Lockside' } },
      {
        base: '/api/v1/admin/programmes', what: 'programme', action: 'programme', made: programme, before: programme,
        // Every catalogue field changes at once.
        changed: { ...programme, name: 'Steady Start Plus', description: 'Longer support.', durationWeeks: 16, maxHoursPerWeek: 10, minVisitsPerWeek: 2, maxVisitsPerWeek: 3,
          firstVisitHours: 48, reviewIntervalDays: 42, caseloadLimit: 6, followUpMonths: [6, 12], noContactAlertDays: 10, safetyPlanAtStart: false, availability: 'Evenings too', active: false },
      },
      { base: '/api/v1/users', what: 'person', action: 'user', made: person, changed: { ...person, displayName: 'Lock Person-Smith', jobTitle: 'Senior support worker', teamId: p.teamId, agencyId: p.agencies.childrens_social_care }, before: { display_name: 'Lock Person', job_title: 'Support worker', agency_id: p.agencies.police } },
    ];
    for (const k of kinds) {
      const made = await call('POST', k.base, k.made);
      expect(made.statusCode).toBe(201);
      const id = made.json().id as string;
      const changed = await call('PUT', `${k.base}/${id}`, { ...k.changed, version: 1 });
      expect({ kind: k.what, status: changed.statusCode }).toEqual({ kind: k.what, status: 200 });
      expect(changed.json().version).toBe(2);
      const stale = await call('PUT', `${k.base}/${id}`, { ...k.changed, version: 1, ...(k.what === 'person' ? { displayName: 'Overwritten' } : { name: 'Overwritten' }) });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().message).toBe(`Someone else changed this ${k.what} while you were editing it. Go back, reload the page and make your change again.`);
      expect(JSON.stringify((await call('GET', `${k.base}/${id}`)).json())).not.toContain('Overwritten');
      const updates = (await t.db.query<{ user_id: string; detail: { before: Record<string, unknown>; after: Record<string, unknown> } }>(
        `SELECT user_id, detail FROM audit_event WHERE action = $1 AND record_id = $2 ORDER BY id`, [`update-${k.action}`, id]));
      expect(updates).toHaveLength(1);
      expect(updates[0].detail.before).toMatchObject(k.before);
      expect(updates[0].detail.after).toMatchObject(k.changed);
    }
    // The pages refuse a stale copy the same way, saying what to do.
    const districtId = (await call('GET', '/api/v1/districts')).json().districts.find((d: { name: string }) => d.name === 'Lockside North').id;
    const page = await client.post(`/admin/districts/${districtId}`, { name: 'Lockside South', version: '1' });
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('Someone else changed this district while you were editing it. Go back, reload the page and make your change again.');
  });

  it('marks a manager as a front door screener from the user form and the API, and refuses it for any other role', async () => {
    // The page: a practitioner cannot screen the front door.
    const wrong = await client.post('/admin/users/new', { displayName: 'Pat Screen', email: 'pat@test.example', role: 'practitioner', agencyId: p.agencies.childrens_social_care, frontDoorScreener: 'yes' });
    expect(wrong.headers.location).toBe('/admin/users/new');
    const page = await client.get('/admin/users/new');
    expect(page.body).toContain('<a href="#frontDoorScreener">Only a manager can screen front door referrals: choose Manager, or untick it</a>');
    expect(page.body).toMatch(/<input class="govuk-checkboxes__input" id="frontDoorScreener" name="frontDoorScreener" type="checkbox" value="yes" checked/);
    const right = await client.post('/admin/users/new', { displayName: 'Pat Screen', email: 'pat@test.example', role: 'manager', agencyId: p.agencies.childrens_social_care, frontDoorScreener: 'yes' });
    expect(right.statusCode).toBe(303);
    const [pat] = await t.db.query<{ id: string; front_door_screener: boolean }>("SELECT id, front_door_screener FROM app_user WHERE email = 'pat@test.example'");
    expect(pat.front_door_screener).toBe(true);
    expect((await client.get(`/admin/users/${pat.id}`)).body).toMatch(/id="frontDoorScreener" name="frontDoorScreener" type="checkbox" value="yes" checked/);

    // The API: refused for a practitioner with the field error; set on a manager, who then sees front door referrals.
    const headers = { authorization: `Bearer ${adminToken}` };
    const manager = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId, name: 'Mel Manager' });
    const base = { displayName: 'Mel Manager', email: manager.email, role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId, version: 1 };
    const refused = await app.inject({ method: 'PUT', url: `/api/v1/users/${manager.id}`, headers, payload: { ...base, role: 'practitioner', frontDoorScreener: true } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().fields).toEqual({ frontDoorScreener: 'Only a manager can screen front door referrals: choose Manager, or untick it' });

    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    const referrer = await makeUser(t.db, { agencyId: p.agencies.police, name: 'Amina Begum' });
    const { id: referralId } = await s.referrals.refer(referrer, {
      familyName: 'Okoro', addressLine1: '3 Weir Street', postcode: 'NV2 7QP',
      members: [{ givenName: 'Grace', familyName: 'Okoro', role: 'mother', dateOfBirth: '1988-03-14' }],
      referrerName: 'Amina Begum', referrerAgency: 'Testshire Police', referrerContact: 'amina@police.example',
      needCodes: ['4B'], reasons: 'Grace asked the police for help.', urgency: 'routine', consent: 'given',
    });
    const managerToken = await s.access.createApiToken(manager.email, 'test');
    const queue = async () => (await app.inject({ method: 'GET', url: '/api/v1/referrals', headers: { authorization: `Bearer ${managerToken}` } })).json().referrals.map((r: { id: string }) => r.id);
    expect(await queue()).not.toContain(referralId);

    const set = await app.inject({ method: 'PUT', url: `/api/v1/users/${manager.id}`, headers, payload: { ...base, frontDoorScreener: true } });
    expect(set.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/api/v1/users/${manager.id}`, headers })).json()).toMatchObject({ frontDoorScreener: true, version: 2 });
    expect(await queue()).toContain(referralId);

    const unset = await app.inject({ method: 'PUT', url: `/api/v1/users/${manager.id}`, headers, payload: { ...base, version: 2 } });
    expect(unset.statusCode).toBe(200);
    expect(await queue()).not.toContain(referralId);
  });

  it('signs a disabled person out of their open session on the next page, and stops their token', async () => {
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const token = await s.access.createApiToken(worker.email, 'test');
    const browser = new PageClient(app);
    await browser.signIn(worker.email, testPassword);
    expect((await browser.get('/my-families')).statusCode).toBe(200);
    const api = () => app.inject({ method: 'GET', url: '/api/v1/families', headers: { authorization: `Bearer ${token}` } });
    expect((await api()).statusCode).toBe(200);

    const disabled = await client.post(`/admin/users/${worker.id}/disable`, { version: '1' });
    expect(disabled.statusCode).toBe(303);
    expect((await client.get(`/admin/users/${worker.id}`)).body).toContain('Account disabled: they have been signed out');

    const next = await browser.get('/my-families');
    expect(next.statusCode).toBe(302);
    expect(next.headers.location).toBe('/sign-in?next=%2Fmy-families');
    expect((await api()).statusCode).toBe(401);
    expect((await s.access.signIn(worker.email, testPassword, '127.0.0.1')).ok).toBe(false);
    const [audit] = await auditRows(t, 'disable-user');
    expect(audit.detail).toEqual({ before: { active: true }, after: { active: false } });
  });
});

/** The level-of-need rules as a plain form: no JSON, locked against a stale copy, audited with before and after. */
describe('level of need rules from the web', () => {
  let t: TestDatabase;
  let app: LanternApp;
  let client: PageClient;

  beforeAll(async () => {
    t = await testDatabase('pglite');
    const p = await makePartnership(t.db);
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    app = await testApp(t.db);
    client = new PageClient(app);
    await client.signIn(ada.email, testPassword);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('shows the rules as a form and saves a change, refusing bad answers and stale copies', async () => {
    const page = await client.get('/admin/level-of-need-rules');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('factorNumbers');
    const form = formOf(page.body);
    expect(form).toMatchObject({ name: 'Essex threshold guidance (default)', v0label: 'mental health', v0factors: ['4'], v1factors: ['1', '2'], v3offending: ['yes'], b0min: '2', b0level: '4', levelWithNoNeeds: '1' });

    // Every problem at once, each linked to its field in the page's order, worded by the API's own schema; what was typed is kept.
    const bad = await client.post('/admin/level-of-need-rules', {
      ...form, name: '', v1label: 'mental health', v2factors: [], v2offending: [], v4label: '', v4factors: ['5'], b0min: 'two', b1explanation: '', levelWithNoNeeds: '9',
    });
    expect(bad.headers.location).toBe('/admin/level-of-need-rules');
    const shown = await client.get('/admin/level-of-need-rules');
    expect(shown.body).toContain('<title>Error: Level of need rules');
    expect(errorSummary(shown.body)).toEqual([
      { href: '#name', text: 'Enter a name for these rules, like the guidance they follow' },
      { href: '#v1label', text: 'There is already a vulnerability called mental health' },
      { href: '#v2factors', text: 'Tick at least one factor that counts as domestic abuse' },
      { href: '#v4label', text: 'Enter a name for vulnerability 5' },
      { href: '#b0min', text: 'Enter how many vulnerabilities, a whole number from 1 to 10' },
      { href: '#b1explanation', text: 'Enter the explanation practitioners see for this level' },
      { href: '#levelWithNoNeeds', text: 'Select a level from 1 to 4' },
    ]);
    expect(shown.body).toMatch(/<p id="b1explanation-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Enter the explanation practitioners see for this level/);
    expect(shown.body).toContain('value="two"');

    const saved = await client.post('/admin/level-of-need-rules', { ...form, v4label: 'learning disability', v4factors: ['5'] });
    expect(saved.statusCode).toBe(303);
    const rules = await buildServices(t.db, { sessionHours: 8, clock: testClock() }).families.levelOfNeedRules();
    expect(rules.vulnerabilities.map((v) => v.label)).toEqual(['mental health', 'substance misuse', 'domestic abuse', 'crime', 'learning disability']);
    const [audit] = await auditRows(t, 'update-level-of-need-rules');
    expect((audit.detail.before as { vulnerabilities: unknown[] }).vulnerabilities).toHaveLength(4);
    expect((audit.detail.after as { vulnerabilities: unknown[] }).vulnerabilities).toHaveLength(5);

    const stale = await client.post('/admin/level-of-need-rules', form);
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else changed this set of rules while you were editing it');
    // Before its answers are checked.
    expect((await client.post('/admin/level-of-need-rules', { ...form, name: '' })).statusCode).toBe(409);
  });
});
