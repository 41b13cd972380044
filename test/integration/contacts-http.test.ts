import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services as buildServices } from '../../src/services.ts';
import type { LanternApp } from '../../src/app.ts';
import { openApiDocument } from '../../src/openapi.ts';
import { makeCase } from '../support/casework-factories.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { testClock, TEST_TODAY } from '../support/clock.ts';

/** The contacts module over HTTP: the pages (post, redirect, get), downloads and the JSON API. */
describe.each(engines)('contacts pages and API on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let client: PageClient;
  let token: string;
  let familyId: string;
  let caseId: string;
  let closedCaseId: string;
  let kerryId: string;
  let strangerEmail: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const priya = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Priya Shah' });
    strangerEmail = (await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId })).email;
    app = await testApp(t.db);
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock('2026-11-25') });
    familyId = (await s.families.createFamily(priya, { family: aFamily(), members: [aMember(), aMember({ givenName: 'Jade', role: 'child', dateOfBirth: '2016-04-02' })] })).id;
    kerryId = (await t.db.query<{ id: string }>(`SELECT id FROM person WHERE family_id = $1 AND given_name = 'Kerry'`, [familyId]))[0].id;
    caseId = (await makeCase(t.db, { familyId, state: 'intervention', keyWorkerId: priya.id })).caseId;
    closedCaseId = (await makeCase(t.db, { familyId, state: 'closed', keyWorkerId: priya.id })).caseId;
    token = await s.access.createApiToken(priya.email, 'test');
    client = new PageClient(app);
    await client.signIn(priya.email, testPassword);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });

  it('sends a contact form with problems back with every message and the answers typed', async () => {
    const form = await client.get(`/cases/${caseId}/contacts/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Out of hours means before 07:30, after 20:00, or on a Saturday or Sunday.');
    const posted = await client.post(`/cases/${caseId}/contacts/new`, { type: 'home_visit', 'date-day': '31', 'date-month': '2', 'date-year': '2026', startTime: '25:00', endTime: '11:00', notes: 'Talked about mornings', present: kerryId });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe(`/cases/${caseId}/contacts/new`);
    const again = await client.get(`/cases/${caseId}/contacts/new`);
    expect(again.body).toContain('<title>Error: Record a contact – Lantern</title>');
    expect(again.body).toContain('There is a problem');
    expect(again.body).toMatch(/href="#date-day">The date of the contact must be a real date<\/a>[\s\S]*href="#startTime">Start time must be a real time, like 09:30 or 2:15pm<\/a>/);
    expect(again.body).toContain('Talked about mornings');
    expect(again.body).toMatch(new RegExp(`value="${kerryId}" checked`));
  });

  it('records a contact, then shows it, the banner and the week’s intensity', async () => {
    const posted = await client.post(`/cases/${caseId}/contacts/new`, {
      type: 'home_visit', 'date-day': '23', 'date-month': '11', 'date-year': '2026', startTime: '10:00', endTime: '11:30', notes: 'Talked about mornings', present: [kerryId], outOfHours: 'rule', progress: 'Mornings are calmer.',
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toMatch(new RegExp(`^/cases/${caseId}/contacts\\?saved=[0-9a-f-]{36}$`));
    const page = await client.get(posted.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Home visit on 23 November 2026 recorded');
    expect(page.body).toContain('1.5 of 15 hours');
    expect(page.body).toContain('1 (expected 2 to 3)');
    expect(page.body).toContain('1 visit this week is below the Early intervention (Families Plus) minimum: it expects 2 to 3 visits a week.');
    expect(page.body).toContain('Kerry Walsh');
  });

  it('shows the rule’s reason instead of the form on a closed case, and refuses a post with it', async () => {
    const page = await client.get(`/cases/${closedCaseId}/contacts`);
    expect(page.body).toContain('This case is closed. Make a new referral to work with the family again.');
    expect(page.body).not.toContain('Record a contact</a>');
    const posted = await client.post(`/cases/${closedCaseId}/contacts/new`, { type: 'phone_call', 'date-day': '23', 'date-month': '11', 'date-year': '2026', startTime: '10:00', endTime: '10:30', notes: 'Call' });
    expect(posted.headers.location).toBe(`/cases/${closedCaseId}/contacts/new`);
    const again = await client.get(`/cases/${closedCaseId}/contacts/new`);
    expect(again.body).toContain('There is a problem');
    expect(again.body).toContain('This case is closed. Make a new referral to work with the family again.');
  });

  it('writes the family letter, saves it once approved, and downloads it as PDF and Word', async () => {
    const contactId = (await t.db.query<{ id: string }>('SELECT id FROM contact WHERE case_id = $1', [caseId]))[0].id;
    const form = await client.get(`/cases/${caseId}/contacts/${contactId}/family-letter`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Mornings are calmer.');
    expect(form.body).not.toContain('Talked about mornings');
    const fields = {
      recipientName: 'Kerry Walsh', recipientAddress: '12 Mill Lane', subject: 'How things are going', salutation: 'Dear Kerry',
      didTogether: 'Thank you for welcoming me.', progress: 'Mornings are calmer.', nextSteps: 'I will visit on Friday.', whoToContact: 'Call me.',
    };
    const unapproved = await client.post(`/cases/${caseId}/contacts/${contactId}/family-letter`, fields);
    expect(unapproved.headers.location).toBe(`/cases/${caseId}/contacts/${contactId}/family-letter`);
    const again = await client.get(unapproved.headers.location as string);
    expect(again.body).toContain('href="#approved">Confirm you have checked the letter before saving it</a>');
    expect(again.body).toContain('I will visit on Friday.');
    const saved = await client.post(`/cases/${caseId}/contacts/${contactId}/family-letter`, { ...fields, approved: 'yes' });
    expect(saved.statusCode).toBe(303);
    const letterPage = await client.get(saved.headers.location as string);
    expect(letterPage.body).toContain('Letter saved');
    const letterId = /\/letters\/([0-9a-f-]{36})\?saved=1/.exec(saved.headers.location as string)![1];
    const pdf = await client.get(`/cases/${caseId}/letters/${letterId}/letter.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="progress-letter-walsh-family-2026-11-25.pdf"');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const docx = await client.get(`/cases/${caseId}/letters/${letterId}/letter.docx`);
    expect(docx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(docx.headers['content-disposition']).toBe('attachment; filename="progress-letter-walsh-family-2026-11-25.docx"');
    expect(docx.rawPayload.subarray(0, 2).toString('latin1')).toBe('PK');
    const list = await client.get(`/cases/${caseId}/letters`);
    expect(list.body).toContain(`/cases/${caseId}/letters/${letterId}/letter.pdf`);
  });

  it('filters the chronology with query parameters and prints it', async () => {
    const all = await client.get(`/families/${familyId}/chronology`);
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Home visit, 10:00 to 11:30');
    const contactsOnly = await client.get(`/families/${familyId}/chronology?type=contact&member=${kerryId}&order=newest`);
    expect(contactsOnly.body).toMatch(/Showing 1 of \d+ events/);
    expect(contactsOnly.body).toMatch(new RegExp(`value="${kerryId}" checked`));
    const print = await client.get(`/families/${familyId}/chronology/print?type=contact`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('Filtered to:');
    expect(print.body).toContain('Printed 25 November 2026');
    expect(print.body).toMatch(/<body class="govuk-template__body lantern-printable/);
  });

  it('adds an event to the chronology by hand, with GOV.UK errors first', async () => {
    const bad = await client.post(`/families/${familyId}/chronology/new`, { 'occurredOn-day': '1', 'occurredOn-month': '', 'occurredOn-year': '2026', summary: '' });
    const again = await client.get(bad.headers.location as string);
    expect(again.body).toMatch(/href="#occurredOn-day">The date of the event must include a month<\/a>[\s\S]*href="#agencyId">Select the agency<\/a>[\s\S]*href="#type">Select the type of event<\/a>[\s\S]*href="#summary">Enter what happened<\/a>/);
    const agencyId = (await t.db.query<{ id: string }>(`SELECT id FROM agency WHERE name = 'Testshire Police'`))[0].id;
    const ok = await client.post(`/families/${familyId}/chronology/new`, { 'occurredOn-day': '1', 'occurredOn-month': '3', 'occurredOn-year': '2026', personId: 'family', agencyId, type: 'police', summary: 'Noise complaint, no further action', source: 'Incident 12' });
    expect(ok.headers.location).toBe(`/families/${familyId}/chronology?saved=entry`);
    const page = await client.get(ok.headers.location as string);
    expect(page.body).toContain('Event added to the chronology');
    expect(page.body).toContain('Noise complaint, no further action');
  });

  it('refuses the pages to someone outside the team around the family', async () => {
    const stranger = new PageClient(app);
    await stranger.signIn(strangerEmail, testPassword);
    expect((await stranger.get(`/cases/${caseId}/contacts`)).statusCode).toBe(403);
    expect((await stranger.get(`/families/${familyId}/chronology`)).statusCode).toBe(403);
  });

  it('offers the same through the JSON API, documented in the OpenAPI description', async () => {
    const recorded = await api('POST', `/api/v1/cases/${caseId}/contacts`, { type: 'phone_call', date: '2026-11-25', startTime: '21:00', endTime: '21:20', notes: 'Evening call' });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json()).toMatchObject({ outOfHours: true, outOfHoursByRule: true });
    const closed = await api('POST', `/api/v1/cases/${closedCaseId}/contacts`, { type: 'phone_call', date: '2026-11-25', startTime: '10:00', endTime: '10:20', notes: 'Call' });
    expect(closed.statusCode).toBe(409);
    expect(closed.json()).toEqual({ error: 'rule', message: 'This case is closed. Make a new referral to work with the family again.' });
    const listed = await api('GET', `/api/v1/cases/${caseId}/contacts`);
    expect(listed.json().intensity).toMatchObject({ hours: 1.8, visits: 1 });
    const contactId = recorded.json().id as string;
    const draft = await api('GET', `/api/v1/cases/${caseId}/contacts/${contactId}/letter-draft?recipient=referrer`);
    expect(draft.json().draft.recipientName).toBe('Sam Referrer');
    const saved = await api('POST', `/api/v1/cases/${caseId}/letters`, { ...draft.json().draft, contactId, progress: 'Things are calmer at home.', approved: true });
    expect(saved.statusCode).toBe(201);
    const pdf = await api('GET', `/api/v1/cases/${caseId}/letters/${saved.json().id}/letter.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const chronology = await api('GET', `/api/v1/families/${familyId}/chronology?type=police`);
    expect(chronology.json().events.map((e: { detail: string }) => e.detail)).toEqual(['Noise complaint, no further action']);
    const documented = Object.keys(openApiDocument(TEST_TODAY).paths);
    for (const path of ['/api/v1/cases/{caseId}/contacts', '/api/v1/cases/{caseId}/letters/{letterId}/letter.docx', '/api/v1/families/{familyId}/chronology']) {
      expect(documented).toContain(path);
    }
  });
});
