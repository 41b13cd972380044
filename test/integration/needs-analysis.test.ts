import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser } from '../support/factories.ts';
import { familiesService } from '../../src/modules/families/service.ts';
import { needsAnalysisService } from '../../src/modules/needs-analysis/service.ts';
import { demoIncidentsName, seedNeedsAnalysisDemo } from '../../src/modules/needs-analysis/demo.ts';
import { northvaleDistricts } from '../../src/domain/demo/generator.ts';
import { ForbiddenError, ValidationError } from '../../src/domain/errors.ts';
import { formatPercent } from '../../src/domain/needs-analysis/numbers.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { reportPdf } from '../../src/modules/needs-analysis/pdf.ts';
import { testClock } from '../support/clock.ts';

/** The text PDFKit wrote (hex strings in uncompressed content streams), in order. */
function pdfText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/<([0-9a-f]+)>/g)].map((m) => Buffer.from(m[1], 'hex').toString('latin1')).join('|');
}

const population = [
  'district,age_band,children,births,families,people',
  'Riverside,0-4,1000,100,,',
  'Riverside,5-15,3000,,,',
  'Riverside,All ages,,,2000,20000',
  'Hillside,0-15,2000,50,1000,10000',
].join('\n');

describe.each(engines)('needs analysis on %s', (engine) => {
  let t: TestDatabase;
  let service: ReturnType<typeof needsAnalysisService>;
  let analyst: Actor;
  let manager: Actor;
  let admin: Actor;
  let practitioner: Actor;
  let setId: string;
  let hillsideId: string;
  let riversideId: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    riversideId = p.districtId;
    hillsideId = randomUUID();
    await t.db.query('INSERT INTO district (id, partnership_id, name) VALUES ($1, $2, $3)', [hillsideId, p.partnershipId, 'Hillside']);
    const csc = p.agencies.childrens_social_care;
    practitioner = await makeUser(t.db, { agencyId: csc, teamId: p.teamId });
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: csc });
    manager = await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.teamId, manages: [p.teamId] });
    admin = await makeUser(t.db, { role: 'administrator', agencyId: csc });
    const families = familiesService(t.db, { clock: testClock('2026-11-25') });
    service = needsAnalysisService(t.db, { clock: testClock('2026-11-25') });

    const need = (code: string | null, isCurrent = true) => ({
      needType: code ? 'cin_factor' : 'offending', code, sourceAgencyId: p.agencies.police, identifiedOn: '2026-01-10', isCurrent, notes: '',
    });
    const make = async (districtId: string | null, members: Record<string, unknown>[], needs: [number, string | null, boolean?][]) => {
      const { id } = await families.createFamily(practitioner, { family: aFamily({ districtId }), members });
      const view = await families.family(practitioner, id);
      const byName = (given: string) => view.members.find((m) => m.givenName === given)!.id;
      for (const [index, code, current] of needs) await families.addNeed(practitioner, id, byName(String(members[index].givenName)), need(code, current ?? true));
      return { id, view, byName };
    };
    const mother = aMember();
    const father = aMember({ givenName: 'Dean', role: 'father', sex: 'male', dateOfBirth: '1988-03-02' });
    const child = (givenName: string) => aMember({ givenName, role: 'child', dateOfBirth: '2018-04-04' });
    const unborn = aMember({ givenName: 'Baby', role: 'unborn', dateOfBirth: null, expectedDate: '2027-02-01' });
    // Riverside: the toxic trio and more; two children and an unborn baby.
    const first = await make(riversideId, [mother, father, child('Amy'), child('Ben'), unborn], [[0, '2B'], [0, '1B'], [0, '4B'], [1, '3B']]);
    await families.recordStatus(practitioner, first.id, first.byName('Amy'), { status: 'looked_after', startDate: '2026-03-01' });
    // Hillside: mental health and offending.
    await make(hillsideId, [mother, father, child('Cal')], [[0, '4B'], [1, null]]);
    // No district recorded: drug misuse.
    await make(null, [father, child('Dot')], [[0, '2B']]);
    // Riverside: a past need only, and a child's own factor: neither is a current parental vulnerability.
    await make(riversideId, [mother, child('Eve')], [[0, '4B', false], [1, '2A']]);
    setId = await service.createPopulationSet(analyst, { name: 'Testshire districts, mid-2024', source: 'ONS mid-2024 estimates', covers: 'districts' });
    await service.importPopulation(analyst, setId, population);
  });
  afterAll(async () => t.drop());

  it('reproduces the Essex table from the Essex example, with nothing "known" against another area', async () => {
    const essexId = await service.loadEssexExample(analyst);
    const view = await service.prevalence(analyst, { populationSetId: essexId });
    expect(view.set!.name).toBe('Essex (Hidden Harm report, 2010)');
    expect(view.table!.lines.map((l) => l.estimate)).toEqual([7_300, 57_902, 46_636, 2_620, 26_200, 732, 3_200]);
    expect(view.table!.lines.map((l) => l.known)).toEqual([null, null, null, null, null, null, null]);
    // Loading it again replaces it rather than adding a second one.
    expect(await service.loadEssexExample(analyst)).toBe(essexId);
  });

  it('puts the number known to services beside each estimate, with the gap', async () => {
    const view = await service.prevalence(analyst, { populationSetId: setId });
    expect(view.knownCounted).toBe(true);
    expect(view.table!.totals).toEqual({ children: 6000, births: 150, families: 3000, people: 30000 });
    expect(view.table!.lines.map((l) => [l.rate.key, l.estimate, l.known, l.gap])).toEqual([
      ['drug', 200, 3, 197], // 168 to the nearest 100; known: Amy and Ben, and Dot (no district)
      ['alcohol', 1326, 2, 1324],
      ['mental-health', 1068, 3, 1065], // Amy, Ben and Cal; Eve's mother's need is in the past
      ['all-three', 60, 2, 58],
      ['domestic-abuse', 600, 2, 598],
      ['births', 7, 1, 6], // 4.5% of 150 = 6.75; the unborn baby's mother misuses drugs and alcohol
      ['complex', 60, 1, 59], // one family with four different needs
    ]);
    expect(view.table!.byArea.drug.map((a) => [a.area, a.estimate, a.known])).toEqual([['Riverside', 100, 2], ['Hillside', 100, 0]]);
    expect(view.table!.byArea['mental-health'].map((a) => a.known)).toEqual([2, 1]);
    expect(view.knownWithoutDistrict).toBe(1);
  });

  it('audits each report read, with no family id', async () => {
    await service.overlap(manager);
    const rows = await t.db.query<{ action: string; family_id: string | null; record_id: string }>(
      "SELECT action, family_id, record_id FROM audit_event WHERE user_id = $1 ORDER BY id", [manager.id]);
    expect(rows).toEqual([{ action: 'needs-analysis-report', family_id: null, record_id: 'overlap' }]);
  });

  it('refuses practitioners', async () => {
    await expect(service.prevalence(practitioner)).rejects.toThrow(ForbiddenError);
    await expect(service.importPopulation(practitioner, setId, population)).rejects.toThrow(ForbiddenError);
    await expect(service.startSampleAudit(admin, { name: 'x', eligibility: 'all', sampleSize: 1 })).rejects.toThrow(ForbiddenError);
  });

  it('imports all or nothing: a bad row changes nothing and names the row and field', async () => {
    const before = await service.population(analyst, setId);
    const bad = population.replace('Riverside,5-15,3000', 'Riverside,5-15,abc') + '\nNowhere,0-4,1,1,1,1';
    const error = await service.importPopulation(analyst, setId, bad).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual({
      'row3.children': "row 3: children 'abc' is not a whole number",
      'row6.district': "row 6: district 'Nowhere' is not one of the partnership’s districts (Hillside, Riverside)",
    });
    const after = await service.population(analyst, setId);
    expect(after.rows).toEqual(before.rows);
  });

  it('lets users name and describe their own populations, and keeps the Essex example as the report gives it', async () => {
    const own = await service.createPopulationSet(analyst, { name: 'Neighbouring county', source: '', covers: 'area' });
    await service.describePopulationSet(analyst, own, { name: 'Southshire, 2023', source: 'Southshire JSNA 2023' });
    const view = await service.prevalence(analyst, { populationSetId: own });
    expect(view.set).toMatchObject({ name: 'Southshire, 2023', source: 'Southshire JSNA 2023', example: null });
    await expect(service.createPopulationSet(analyst, { name: 'Southshire, 2023', covers: 'area' })).rejects.toMatchObject({
      fieldErrors: { name: 'There is already a population called Southshire, 2023: choose another name' },
    });
    // The name taken comes with the form's other problems, in one round (issue 15 item 11).
    await expect(service.createPopulationSet(analyst, { name: 'Southshire, 2023', source: 'x'.repeat(501), covers: 'county' })).rejects.toMatchObject({
      fieldErrors: { name: 'There is already a population called Southshire, 2023: choose another name', source: 'The description must be 500 characters or fewer', covers: 'Select what the figures cover' },
    });
    await expect(service.createPopulationSet(analyst, { name: ' ', covers: '' })).rejects.toMatchObject({
      fieldErrors: { name: 'Enter a name for the population, for example Northvale districts, mid-2024', covers: 'Select what the figures cover' },
    });
    const essexId = await service.loadEssexExample(analyst);
    const refusal = 'Essex (Hidden Harm report, 2010) is the Essex report’s example and is kept as the report gives it: create a population of your own to enter other figures';
    await expect(service.importPopulation(analyst, essexId, 'district,age_band,children,births,families,people\nSouthshire,0-15,1,1,1,1\n')).rejects.toMatchObject({ fieldErrors: { csv: refusal } });
    await expect(service.describePopulationSet(analyst, essexId, { name: 'Mine', source: '' })).rejects.toMatchObject({ fieldErrors: { name: refusal } });
    expect((await service.population(analyst, essexId)).set).toMatchObject({ name: 'Essex (Hidden Harm report, 2010)', example: 'essex' });
  });

  it('saves figures typed on the page, dropping rows of zeros', async () => {
    const other = await service.createPopulationSet(analyst, { name: 'Essex, typed in', source: 'Essex Hidden Harm report (2010)', covers: 'area' });
    await service.savePopulation(analyst, other, [
      { row: 1, district: 'Essex', ageBand: '0-15', children: '262,000', births: '16264', families: '160000', people: '1300000' },
      { row: 2, district: 'Essex', ageBand: '16-17', children: '0', births: '', families: '', people: '' },
    ]);
    expect((await service.population(analyst, other)).rows).toEqual([
      { area: 'Essex', districtId: null, ageBand: '0-15', children: 262000, births: 16264, families: 160000, people: 1300000 },
    ]);
    await expect(service.savePopulation(analyst, other, [{ row: 1, district: '', ageBand: '', children: 'x', births: '', families: '', people: '' }]))
      .rejects.toMatchObject({ fieldErrors: { 'row1.district': 'row 1: enter the district', 'row1.age_band': 'row 1: enter the age band, for example 0-15', 'row1.children': "row 1: children 'x' is not a whole number" } });
  });

  it('counts the overlap of vulnerabilities among known families', async () => {
    const view = await service.overlap(analyst);
    expect(view.totalFamilies).toBe(4);
    expect(view.familiesWithAny).toBe(3);
    expect(view.byNumber.map((b) => [b.label, b.families])).toEqual([['1', 1], ['2', 1], ['3', 0], ['4 or more', 1]]);
    expect(view.combinations.map((c) => c.label)).toEqual([
      'Alcohol misuse, Drug misuse, Domestic abuse, Mental health', 'Mental health, Offending', 'Drug misuse only',
    ]);
    expect(view.complexFamilies).toBe(1);
  });

  it('compares districts by share and rate per 1,000 people, ranked', async () => {
    const id = await service.createCountSet(analyst, { name: 'Incidents', period: 'Q1', source: 'Police', csv: 'district,count\nRiverside,30\nhillside,20\n' });
    const view = await service.areaComparison(analyst, { measure: `set:${id}` });
    expect(view.comparison.lines.map((l) => [l.rank, l.area, l.count, l.ratePer1000, formatPercent(l.countShare), formatPercent(l.populationShare!)])).toEqual([
      [1, 'Hillside', 20, 2, '40.0%', '33.3%'],
      [2, 'Riverside', 30, 1.5, '60.0%', '66.7%'],
    ]);
    const known = await service.areaComparison(analyst, { measure: 'lantern:children-with-vulnerability' });
    // 2 in 20,000 and 1 in 10,000: the same rate, so the same rank.
    expect(known.comparison.lines.map((l) => [l.rank, l.area, l.count])).toEqual([[1, 'Hillside', 1], [1, 'Riverside', 2]]);
    await expect(service.createCountSet(analyst, { name: 'Incidents', csv: 'district,count\nRiverside,x' })).rejects.toMatchObject({
      fieldErrors: { name: 'There are already counts called Incidents: use another name', 'row2.count': "row 2: count 'x' is not a whole number" },
    });
  });

  it('extrapolates the Essex audit exactly', async () => {
    const id = await service.loadEssexAudit(analyst);
    const { result } = await service.audit(admin, id);
    expect(result.lines.map((l) => [l.files, formatPercent(l.proportion), formatPercent(l.interval.lower), formatPercent(l.interval.upper), l.indicated])).toEqual([
      [12, '28.6%', '17.2%', '43.6%', 421],
      [14, '33.3%', '21.0%', '48.4%', 492],
      [6, '14.3%', '6.7%', '27.8%', 211],
      [15, '35.7%', '23.0%', '50.8%', 527],
      [11, '26.2%', '15.3%', '41.1%', 386],
    ]);
  });

  it('runs an audit on a random sample, shows the sample only to analysts and managers, and audits the look', async () => {
    await expect(service.startSampleAudit(analyst, { name: 'LAC', eligibility: 'looked_after', sampleSize: 2 }))
      .rejects.toMatchObject({ fieldErrors: { sampleSize: 'There is 1 case to sample from (families with a looked-after child): choose 1 or fewer' } });
    await expect(service.startSampleAudit(analyst, { name: '', eligibility: 'looked_after', sampleSize: 2 }))
      .rejects.toMatchObject({ fieldErrors: { name: 'Enter a name for the audit', sampleSize: 'There is 1 case to sample from (families with a looked-after child): choose 1 or fewer' } });
    const id = await service.startSampleAudit(analyst, { name: 'All families', eligibility: 'all', sampleSize: 3 });
    const { files } = await service.auditFiles(manager, id);
    expect(files.map((f) => f.position)).toEqual([1, 2, 3]);
    expect(new Set(files.map((f) => f.reference)).size).toBe(3);
    await expect(service.auditFiles(admin, id)).rejects.toThrow('Only analysts and managers can see which case files an audit sampled');
    const looks = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'needs-analysis-read-audit-sample' AND record_id = $1", [id]);
    expect(looks[0].n).toBe(1);

    await expect(service.saveAuditFiles(analyst, id, { 1: ['none', 'offending'] })).rejects.toMatchObject({
      fieldErrors: { f1: `${files[0].reference}: select the vulnerabilities the file shows, or ‘None of these’, not both` },
    });
    await service.saveAuditFiles(analyst, id, { 1: ['mental_health', 'domestic_abuse'], 2: ['none'], 3: [] });
    const { audit, result } = await service.audit(analyst, id);
    expect(audit).toMatchObject({ population: 4, sample_size: 3, reviewed: 2 });
    expect(result.sampleSize).toBe(2);
    expect(result.lines.find((l) => l.key === 'mental_health')).toMatchObject({ files: 1, proportion: 0.5, indicated: 2 });
    expect(result.lines.find((l) => l.key === 'offending')).toMatchObject({ files: 0, indicated: 0 });
    expect((await service.auditFiles(analyst, id)).files.map((f) => [f.reviewed, f.vulnerabilities])).toEqual([
      [true, ['mental_health', 'domestic_abuse']], [true, []], [false, []],
    ]);
  });

  it('lets the rates be changed, checked as a whole, and restored', async () => {
    const essexId = await service.loadEssexExample(analyst);
    const { rates } = await service.rates(analyst);
    await service.saveRates(analyst, rates.map((r) => (r.key === 'drug' ? { ...r, roundTo: 1, knownRule: '2b / 1b' } : r)));
    const view = await service.prevalence(analyst, { populationSetId: essexId });
    expect(view.table!.lines[0]).toMatchObject({ estimate: 7_336 });
    expect(await service.rates(analyst)).toMatchObject({ usingDefaults: false, rates: expect.arrayContaining([expect.objectContaining({ key: 'drug', knownRule: '2B/1B' })]) });
    await expect(service.saveRates(analyst, rates.map((r, i) => (i === 1 ? { ...r, rate: 0, knownRule: '2A' } : r)))).rejects.toMatchObject({
      fieldErrors: { '1.rate': 'The rate must be more than 0%', '1.knownRule': '2A is not a parental (B) assessment factor code or offending' },
    });
    await service.restoreDefaultRates(admin);
    expect((await service.rates(analyst)).usingDefaults).toBe(true);
    expect((await service.prevalence(analyst, { populationSetId: essexId })).table!.lines[0].estimate).toBe(7_300);
  });

  it('writes the tables and the SVG charts into the PDF report', async () => {
    const essexId = await service.loadEssexExample(analyst);
    const auditId = await service.loadEssexAudit(analyst);
    const report = await service.report(analyst, { populationSetId: essexId, auditId });
    const pdf = await reportPdf(report, { generatedOn: '2026-11-25', generatedBy: 'Test analyst' }, { compress: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Table cells are whole strings; chart text (an SVG drawn by svg-to-pdfkit) comes glyph by glyph.
    const cells = pdfText(pdf);
    const glyphs = cells.replace(/\|/g, '');
    expect(cells).toMatch(/\|7,300\|/);
    expect(cells).toMatch(/\|57,902\|/);
    expect(cells).toMatch(/\|421\|253 to 643\|/);
    expect(glyphs).toContain('Children of dependent drugmisusing parents7,300'); // the estimates chart: label, then value
    expect(glyphs).toContain('1 vulnerability1 family2 vulnerabilities1 family'); // the overlap chart
    expect(glyphs).toContain('Mental health problems28.6% (17.2% to 43.6%)'); // the audit chart
    expect(pdf.toString('latin1')).toMatch(/\/Title \d+ 0 R/); // the document title, shown in the viewer's title bar
  });

  it('seeds demo populations and counts for the Northvale districts, once', async () => {
    const fresh = await testDatabase(engine);
    try {
      const partnershipId = randomUUID();
      await fresh.db.query('INSERT INTO partnership (id, name) VALUES ($1, $2)', [partnershipId, 'Northvale']);
      for (const d of northvaleDistricts) await fresh.db.query('INSERT INTO district (id, partnership_id, name) VALUES ($1, $2, $3)', [randomUUID(), partnershipId, d.name]);
      await fresh.db.transaction((tx) => seedNeedsAnalysisDemo(tx, testClock().now()));
      await fresh.db.transaction((tx) => seedNeedsAnalysisDemo(tx, testClock().now()));
      const sets = await fresh.db.query<{ name: string; rows: number; people: number }>(
        'SELECT s.name, count(*)::int AS rows, sum(p.people)::int AS people FROM population_set s JOIN population p ON p.population_set_id = s.id GROUP BY s.name');
      expect(sets).toEqual([{ name: 'Northvale districts (demo figures)', rows: northvaleDistricts.length * 4, people: northvaleDistricts.reduce((s, d) => s + d.population, 0) }]);
      const counts = await fresh.db.query<{ name: string; n: number }>('SELECT s.name, count(*)::int AS n FROM area_count_set s JOIN area_count c ON c.area_count_set_id = s.id GROUP BY s.name');
      expect(counts).toEqual([{ name: demoIncidentsName, n: northvaleDistricts.length }]);
    } finally {
      await fresh.drop();
    }
  });
});
