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
    caseId: `case-${i}`, familyId: `family-${i}`, household: {},
    members: [
      member(`parent-${i}`, 'adult', { referral: { asb12m: 6 + i, workSteps: [] }, closure: { asb6m: i % 3, workSteps: i % 2 ? ['course'] : [] } }),
      member(`child-${i}`, 'child', i < 4 ? moved('child_protection_plan', i < 2 ? 'child_in_need' : 'looked_after')
        : i < 8 ? { referral: { legalStatus: 'child_in_need', offences12m: i, attendancePercent: 60 + i }, closure: { legalStatus: 'none', offences6m: 1, attendancePercent: 80 + i } }
          : { referral: { attendancePercent: 70 }, closure: { attendancePercent: 90 } }),
    ],
  }));
}

/** Every page of every PDF report: no text on top of other text, and no word broken across two lines. */
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
    if (process.env.PDF_LAYOUT_DIR) for (const [name, pdf] of Object.entries(pdfs)) writeFileSync(`${process.env.PDF_LAYOUT_DIR}/${name.replace(/ /g, '-')}.pdf`, pdf);
  });
  afterAll(async () => t?.drop());

  it.each(['needs analysis', 'programme evaluation'])('the %s report: no text overlaps other text and no word is broken', async (name) => {
    const boxes = await textBoxes(pdfs[name]);
    expect(boxes.length).toBeGreaterThan(50);
    expect(overlappingText(boxes)).toEqual([]);
    expect(brokenWords(boxes, new Set([...written[name], ...chartWords]))).toEqual([]);
  });
});
