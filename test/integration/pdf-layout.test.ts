import { writeFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testClock } from '../support/clock.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser } from '../support/factories.ts';
import { brokenWords, overlappingText, textBoxes, wordsOf } from '../support/pdf-layout.ts';
import { needsAnalysisService } from '../../src/modules/needs-analysis/service.ts';
import { reportPdf } from '../../src/modules/needs-analysis/pdf.ts';
import { evaluationPdf } from '../../src/modules/outcomes/pdf.ts';
import { evaluate, type CohortCase, type CohortMember } from '../../src/domain/outcomes/evaluation.ts';
import { emptyMemberMeasures, type MemberMeasures, type TimePoint } from '../../src/domain/outcomes/measures.ts';
import type { LegalStatus } from '../../src/domain/codes.ts';
import { costsService } from '../../src/modules/costs/service.ts';
import { seedCostBenefitDemo } from '../../src/modules/costs/demo.ts';
import { analysisPdf } from '../../src/modules/costs/pdf.ts';
import { renderLetter } from '../../src/modules/contacts/letters.ts';
import { familyLetterDraft, letterDocument, referrerLetterDraft, type LetterFacts } from '../../src/domain/casework/letters.ts';
import { subjectAccessPdf, type SubjectAccessExport } from '../../src/modules/governance/subject-access.ts';

/** Every word of the charts' text, as the SVGs give it to svg-to-pdfkit. */
const chartWords = vi.hoisted(() => new Set<string>());
vi.mock('svg-to-pdfkit', async (importOriginal) => {
  const draw = (await importOriginal<{ default: (doc: unknown, svg: string, ...rest: unknown[]) => void }>()).default;
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
  return {
    default: (doc: unknown, svg: string, ...rest: unknown[]) => {
      for (const [, text] of svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) {
        for (const w of text.replace(/&(\w+|#\d+);/g, (e, name: string) => entities[name] ?? e).split(/\s+/)) if (w) chartWords.add(w);
      }
      return draw(doc, svg, ...rest);
    },
  };
});

const member = (id: string, memberType: 'adult' | 'child', at: Partial<Record<TimePoint, Partial<MemberMeasures>>>): CohortMember => ({
  personId: id, memberType, measures: Object.fromEntries(Object.entries(at).map(([t, v]) => [t, { ...emptyMemberMeasures(), ...v }])),
});
const moved = (from: LegalStatus, to: LegalStatus) => ({ referral: { legalStatus: from }, closure: { legalStatus: to } });

/** A small cohort with every kind of figure the evaluation reports. */
function cohort(): CohortCase[] {
  return Array.from({ length: 12 }, (_, i) => ({
    caseId: `case-${i}`, familyId: `family-${i}`, household: {}, reasonAreas: ['education'],
    members: [
      member(`parent-${i}`, 'adult', { referral: { asb12m: 6 + i, workSteps: [] }, closure: { asb6m: i % 3, workSteps: i % 2 ? ['course'] : [] } }),
      member(`child-${i}`, 'child', i < 4 ? moved('child_protection_plan', i < 2 ? 'child_in_need' : 'looked_after')
        : i < 8 ? { referral: { legalStatus: 'child_in_need', offences12m: i, attendancePercent: 60 + i }, closure: { legalStatus: 'none', offences6m: 1, attendancePercent: 80 + i } }
          : { referral: { attendancePercent: 70 }, closure: { attendancePercent: 90 } }),
    ],
  }));
}

const priya = { id: 'u1', name: 'Priya Shah', jobTitle: 'Family support worker', agency: 'Northvale Children’s Services', email: 'priya.shah@northvale.example' };
const sam = { id: 'u2', name: 'Sam Reid', jobTitle: 'Domestic abuse specialist', agency: 'Northvale Children’s Services', email: 'sam.reid@northvale.example' };
const letterFacts: LetterFacts = {
  familyName: 'Featherstonehaugh-Wojciechowska', caseReference: 'CASE-000012', programmeName: 'Early intervention (Families Plus)',
  familyAddress: ['Flat 12, Clarendon Court', '148 Northumberland Avenue', 'Riverside', 'NV1 4AB'],
  adults: [{ givenName: 'Kerry', familyName: 'Featherstonehaugh-Wojciechowska' }, { givenName: 'Dan', familyName: 'Walsh' }],
  present: ['Kerry', 'Jade', 'Maximilian'], contactType: 'home_visit', contactDate: '2026-11-23', location: 'Home',
  didTogether: 'We made a plan for school mornings: an alarm at seven, breakfast together, and Dan walks Jade to the gate.\n\nWe also looked at the tenancy letter together and rang the housing office.',
  progress: 'Jade has been at school every day this week. Maximilian has started at the nursery on Tuesdays and Thursdays.',
  nextSteps: 'I will visit again on Friday at 10am. Please bring the letter from the council so we can answer it together.',
  keyWorker: priya, writer: sam, referrer: { name: 'Northvale Homes', agency: 'Northvale Homes', contact: 'tenancy.sustainment.team@northvale-homes.example' },
};

const subjectAccess: SubjectAccessExport = {
  generatedAt: '2026-11-25T10:00:00.000Z', familyId: 'f1',
  person: { givenName: 'Kerry', familyName: 'Featherstonehaugh-Wojciechowska', dateOfBirth: '1990-05-17', expectedDate: null, sex: 'female', memberType: 'adult', role: 'mother' },
  family: { reference: 'FAM-000123', familyName: 'Featherstonehaugh-Wojciechowska', address: 'Flat 12, Clarendon Court, 148 Northumberland Avenue, Riverside, NV1 4AB' },
  relationships: [{ relationship: 'you are parent of them', otherPersonRole: 'child' }, { relationship: 'you are partner of them', otherPersonRole: 'father' }],
  needs: [{ type: 'parental', code: '3B', identifiedOn: '2026-09-01', current: true, notes: 'Police attended an incident at the home; the children were present.', agency: 'Northvale Police' }],
  legalStatuses: [],
  contacts: Array.from({ length: 12 }, (_, i) => ({
    date: `2026-10-${String(i + 10).padStart(2, '0')}`, type: 'home_visit', present: true, notes: 'We talked about mornings and the tenancy letter; [another person] was at work.',
    didTogether: 'Made a plan for school mornings.', progress: 'Attendance is up this week.', nextSteps: 'Visit again on Friday.', recordedBy: 'Priya Shah',
  })),
  assessments: [{ case: 'CASE-000012', started: '1 October 2026 at 10:00', completed: null, familyView: 'Mornings are hard.', wantsToChange: 'Getting to school on time.',
    aboutYou: { strengths: 'Loves her children and wants help.', needs: 'Support with low mood.', risks: 'None known.', factorCodes: ['4B'], wishesAndFeelings: 'Wants a fresh start.' } }],
  planActions: [{ case: 'CASE-000012', plan: 1, planStatus: 'agreed', goal: 'Jade at school every day', action: 'Alarm at seven and breakfast together', owner: 'You', dueOn: '2026-12-18', status: 'in_progress' }],
  letters: [{ date: '2026-11-23', recipient: 'Kerry Featherstonehaugh-Wojciechowska', subject: 'Our visit on Monday', didTogether: 'We made a plan.', progress: 'Going well.', nextSteps: 'Friday.', signedBy: 'Priya Shah' }],
  views: Array.from({ length: 8 }, () => ({ at: '24 November 2026 at 09:15', who: 'Priya Shah', agency: 'Northvale Children’s Services', action: 'family-read', basis: 'key worker' })),
  redacted: [{ where: 'contact on 2026-10-10, case note', what: 'names of other people', count: 1 }],
};

/** Every page of every PDF Lantern makes (the needs analysis, the programme evaluation, the cost-benefit analysis, both letters, the subject access export): no text on top of other text, and no word broken across two lines. The plans print from the browser (HTML), not as PDFs. */
describe('the PDF reports’ layout', { timeout: 120_000 }, () => {
  let t: TestDatabase;
  const pdfs: Record<string, Buffer> = {};
  /** Every word each report gave PDFKit to write. */
  const written: Record<string, Set<string>> = {};
  const writing = (name: string) => {
    written[name] = new Set();
    const text = PDFDocument.prototype.text;
    return vi.spyOn(PDFDocument.prototype, 'text').mockImplementation(function (this: PDFKit.PDFDocument, ...args: unknown[]) {
      if (typeof args[0] === 'string') for (const w of wordsOf(args[0])) written[name].add(w);
      return (text as (...a: unknown[]) => PDFKit.PDFDocument).apply(this, args);
    });
  };

  beforeAll(async () => {
    // The layout does not depend on the database engine: PGlite only.
    t = await testDatabase('pglite');
    const p = await makePartnership(t.db);
    const analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    const needs = needsAnalysisService(t.db, { clock: testClock('2026-11-25') });
    const populationSetId = await needs.loadEssexExample(analyst);
    const auditId = await needs.loadEssexAudit(analyst);
    let spy = writing('needs analysis');
    pdfs['needs analysis'] = await reportPdf(await needs.report(analyst, { populationSetId, auditId }), { generatedOn: '2026-11-25', generatedBy: 'Test analyst' });
    spy.mockRestore();
    spy = writing('programme evaluation');
    pdfs['programme evaluation'] = await evaluationPdf({ programmeName: 'Intensive Family Support', query: { from: '2026-01-01', to: '2026-11-25' }, evaluation: evaluate(cohort()) },
      { generatedOn: '2026-11-25', generatedBy: 'Test analyst' });
    spy.mockRestore();
    spy = writing('cost-benefit analysis');
    const costs = costsService(t.db, { clock: testClock('2026-11-25') });
    await t.db.transaction((tx) => seedCostBenefitDemo(tx));
    const [analysis] = (await costs.analyses(analyst)).analyses;
    pdfs['cost-benefit analysis'] = await analysisPdf(await costs.analysis(analyst, analysis.id), { generatedOn: '2026-11-25', generatedBy: 'Test analyst' });
    spy.mockRestore();
    for (const [name, draft] of [['family letter', familyLetterDraft(letterFacts)], ['referrer letter', referrerLetterDraft(letterFacts)]] as const) {
      spy = writing(name);
      pdfs[name] = await renderLetter('pdf', letterDocument({ ...draft, letterDate: '2026-11-25' }), { createdAt: new Date('2026-11-25T10:00:00Z'), author: 'Sam Reid' });
      spy.mockRestore();
    }
    spy = writing('subject access export');
    pdfs['subject access export'] = await subjectAccessPdf(subjectAccess);
    spy.mockRestore();
    if (process.env.PDF_LAYOUT_DIR) for (const [name, pdf] of Object.entries(pdfs)) writeFileSync(`${process.env.PDF_LAYOUT_DIR}/${name.replace(/ /g, '-')}.pdf`, pdf);
  });
  afterAll(async () => t?.drop());

  it.each([
    ['needs analysis', 50], ['programme evaluation', 50], ['cost-benefit analysis', 30], ['family letter', 15], ['referrer letter', 15], ['subject access export', 30],
  ] as const)('the %s: no text overlaps other text and no word is broken', async (name, least) => {
    const boxes = await textBoxes(pdfs[name]);
    expect(boxes.length).toBeGreaterThan(least);
    expect(overlappingText(boxes)).toEqual([]);
    expect(brokenWords(boxes, new Set([...written[name], ...chartWords]))).toEqual([]);
  });
});
