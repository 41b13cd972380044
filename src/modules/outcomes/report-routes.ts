import type { FastifyInstance, FastifyRequest } from 'fastify';
import { outcomeAreas, outcomeAreaLabels } from '../../domain/casework/outcome-areas.ts';
import { ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { describeCriterion, paymentModels, type ClaimSettings } from '../../domain/outcomes/claims.ts';
import { transitionLabel } from '../../domain/outcomes/evaluation.ts';
import type { Services } from '../../services.ts';
import { dateFromParts, dateParts, errorList, redirectWithErrors, takeFormState, text, withFormFields } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { sendCsv } from '../needs-analysis/csv.ts';
import { claimAreaRows, claimFieldOrder, claimRulesJsonFromForm, claimRulesToForm, comparisonOptions, measureOptions } from '../admin/rule-forms.ts';
import { cellText, type DataTable } from '../../web/data-table.ts';
import { evaluationPdf } from './pdf.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import {
  beforeAfterChart, beforeAfterTable, claimStatusLabels, claimsTable, claimTotalsTable, figureResult, figuresChart, figuresTable, headlineFigures, methodNotes, statusChart, statusTable,
  transitionsTable,
} from './present.ts';
import { offers } from '../access/policy.ts';

const readers = rolesWith('outcomes.report');
const editors = rolesWith('outcomes.settings');
type Query = Record<string, string | undefined>;

/** The period and programme from the filter form (GOV.UK date inputs), defaulting to the last three years of all programmes. */
function filters(request: FastifyRequest, today: string) {
  const q = (request.query ?? {}) as Query;
  const from = dateFromParts(q, 'from', 'The start of the period');
  const to = dateFromParts(q, 'to', 'The end of the period');
  const errors: FieldErrors = {};
  if (from.error) errors.from = from.error;
  if (to.error) errors.to = to.error;
  const [y, m, d] = today.split('-');
  const input = { programmeId: q.programmeId ?? '', from: from.value ?? `${Number(y) - 3}-${m}-${d}`, to: to.value ?? today };
  const qs = new URLSearchParams();
  if (input.programmeId) qs.set('programmeId', input.programmeId);
  for (const [name, iso] of [['from', input.from], ['to', input.to]] as const) {
    const parts = dateParts(iso);
    qs.set(`${name}-day`, parts.day);
    qs.set(`${name}-month`, parts.month);
    qs.set(`${name}-year`, parts.year);
  }
  const values = { programmeId: input.programmeId, ...Object.fromEntries(['from', 'to'].flatMap((n) => ['day', 'month', 'year'].map((p) => [`${n}-${p}`, q[`${n}-${p}`] ?? dateParts(n === 'from' ? input.from : input.to)[p as 'day']]))) };
  return { input, errors, query: `?${qs.toString()}`, values };
}

const pageTable = (t: DataTable, csvHref: string) => ({ ...t, csvHref, rows: t.rows.map((r) => r.map(cellText)) });

function settingsValues(s: ClaimSettings) {
  const phase2 = s.paymentModel === 'troubled_families_phase_2';
  const values: Record<string, unknown> = {
    paymentModel: s.paymentModel, resultsPayment: phase2 ? '' : String(s.resultsPayment), upfrontFunding: phase2 ? '' : String(s.upfrontFunding),
    minimumProblems: String(s.minimumProblems), employmentRoute: s.employmentRoute ? 'yes' : 'no',
  };
  // The tests as what is measured, the comparison in words and the value (the admin area's claim rules form).
  const { version: _, ...tests } = claimRulesToForm(s.rules);
  return { ...values, ...tests };
}

/** The programme evaluation report, Supporting Families claims and the claim rules. */
export async function reportPages(app: FastifyInstance, { services }: { services: Services }) {
  const { outcomes } = services;
  const today = () => services.clock.today();

  app.get(paths.outcomesReport, { config: { access: readers } }, async (request, reply) => {
    const f = filters(request, today());
    const programmes = await outcomes.programmes();
    const base = { pageTitle: 'Programme evaluation', programmes, values: f.values };
    if (Object.keys(f.errors).length) {
      return reply.view('outcomes/views/report.njk', { ...base, errors: f.errors, errorList: errorList(f.errors, { from: 'from-day', to: 'to-day' }, ['from', 'to']) });
    }
    let report;
    try {
      report = await outcomes.evaluation(request.actor!, f.input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = { ...error.fieldErrors };
      return reply.view('outcomes/views/report.njk', { ...base, errors, errorList: errorList(errors, { from: 'from-day', to: 'to-day', programmeId: 'programmeId' }, ['programmeId', 'from', 'to']) });
    }
    const e = report.evaluation;
    const caseList = (ids: string[]) => ({
      shown: ids.filter((id) => report.links[id]).map((id) => ({ id, ...report.links[id] })),
      hidden: ids.filter((id) => !report.links[id]).length,
    });
    return reply.view('outcomes/views/report.njk', {
      ...base, errors: {}, errorList: [], report, query: f.query,
      figures: headlineFigures(e).map((fig) => ({ ...fig, text: figureResult(fig), cases: caseList(fig.caseIds), cohortCases: caseList(fig.cohortCaseIds) })),
      transitions: e.transitions.map((t) => ({ ...t, label: transitionLabel(t), cases: caseList(t.caseIds) })),
      attendanceCases: caseList(e.attendance.caseIds),
      beforeAfter: e.beforeAfter.map((b) => ({ ...b, cases: caseList(b.caseIds) })),
      figuresTable: pageTable(figuresTable(e), urls.outcomesReportFiguresCsv(f.query)),
      statusTable: pageTable(statusTable(e), urls.outcomesReportFiguresCsv(`${f.query}&table=statuses`)),
      transitionsTable: pageTable(transitionsTable(e), urls.outcomesReportTransitionsCsv(f.query)),
      beforeAfterTable: pageTable(beforeAfterTable(e), urls.outcomesReportFiguresCsv(`${f.query}&table=before-after`)),
      charts: { figures: figuresChart(e), statuses: statusChart(e), beforeAfter: beforeAfterChart(e) }, methodNotes,
    });
  });

  app.get(paths.outcomesReportFiguresCsv, { config: { access: readers } }, async (request, reply) => {
    const f = filters(request, today());
    const report = await outcomes.evaluation(request.actor!, f.input);
    const which = (request.query as Query).table;
    const e = report.evaluation;
    return sendCsv(reply, which === 'statuses' ? statusTable(e) : which === 'before-after' ? beforeAfterTable(e) : figuresTable(e));
  });

  app.get(paths.outcomesReportTransitionsCsv, { config: { access: readers } }, async (request, reply) => {
    const f = filters(request, today());
    return sendCsv(reply, transitionsTable((await outcomes.evaluation(request.actor!, f.input)).evaluation));
  });

  app.get(paths.outcomesReportPdf, { config: { access: readers } }, async (request, reply) => {
    const f = filters(request, today());
    const report = await outcomes.evaluation(request.actor!, f.input);
    const pdf = await evaluationPdf(report, { generatedOn: today(), generatedBy: request.actor!.displayName });
    return reply.type('application/pdf').header('Content-Disposition', 'attachment; filename="programme-evaluation.pdf"').send(pdf);
  });

  // Supporting Families claims

  app.get(paths.claims, { config: { access: readers } }, async (request, reply) => {
    const f = filters(request, today());
    const programmes = await outcomes.programmes();
    const base = { pageTitle: 'Supporting Families claims', programmes, values: f.values };
    if (Object.keys(f.errors).length) {
      return reply.view('outcomes/views/claims.njk', { ...base, errors: f.errors, errorList: errorList(f.errors, { from: 'from-day', to: 'to-day' }, ['from', 'to']) });
    }
    let claims;
    try {
      claims = await outcomes.claims(request.actor!, f.input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply.view('outcomes/views/claims.njk', { ...base, errors: error.fieldErrors, errorList: errorList(error.fieldErrors, { from: 'from-day', to: 'to-day' }, ['programmeId', 'from', 'to']) });
    }
    const group = (status: string) => claims.results.filter((r) => r.status === status).map((r) => ({
      ...r, link: claims.links[r.caseId] ?? null, paymentText: `£${r.payment.toLocaleString('en-GB')}`, problemLabels: r.problems.map((a) => outcomeAreaLabels[a]),
    }));
    return reply.view('outcomes/views/claims.njk', {
      ...base, errors: {}, errorList: [], claims, query: f.query, eligible: group('eligible'), close: group('close'), notEligible: group('not_eligible'),
      claimStatusLabels, totalsTable: pageTable(claimTotalsTable(claims.totals, claims.settings), urls.claimsCsv(f.query)), paymentModel: paymentModels[claims.settings.paymentModel],
      canEdit: offers(request.actor, 'outcomes.settings'),
    });
  });

  // Families' names leave Lantern: a session signed in through an issuer signs in there again first.
  app.get(paths.claimsCsv, { config: { access: readers, reauthenticate: true } }, async (request, reply) => {
    const f = filters(request, today());
    const claims = await outcomes.claims(request.actor!, f.input);
    return sendCsv(reply, claimsTable(claims.results, claims.links));
  });

  app.get(paths.claimSettings, { config: { access: readers } }, async (request, reply) => {
    const { settings, canEdit } = await outcomes.claimSettings(request.actor!);
    const state = await takeFormState(services, request);
    const values = state?.values ?? settingsValues(settings);
    const order = ['paymentModel', 'upfrontFunding', 'resultsPayment', 'minimumProblems', 'employmentRoute', ...claimFieldOrder(values)];
    return reply.view('outcomes/views/settings.njk', {
      pageTitle: 'Supporting Families claim rules', settings, canEdit, outcomeAreas, paymentModels, paymentModel: paymentModels[settings.paymentModel],
      rules: settings.rules.map((r) => ({ ...r, label: outcomeAreaLabels[r.area], described: r.criteria.map(describeCriterion) })),
      measureOptions, comparisonOptions, areas: claimAreaRows(values),
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, { employmentRoute: 'employmentRoute', paymentModel: 'paymentModel' }, order) : [], values,
      saved: (request.query as Query).saved === 'yes',
    });
  });

  app.post<{ Body: Record<string, unknown> }>(paths.claimSettings, { config: { access: editors } }, async (request, reply) => {
    const body = request.body ?? {};
    const { _csrf: _, ...values } = body;
    // Whole pounds as typed ('£250,000'); blank is missing, anything else goes to the schema to be refused.
    const number = (name: string) => {
      const typed = text(body, name).trim().replace(/^£/, '').replace(/,/g, '');
      return typed === '' ? undefined : /^\d+$/.test(typed) ? Number(typed) : typed;
    };
    // The tests go through the claim settings' own schema with the rest, so every problem shows at once on its field.
    const form = claimRulesJsonFromForm(body);
    const input = {
      paymentModel: text(body, 'paymentModel') || undefined, resultsPayment: number('resultsPayment'), upfrontFunding: number('upfrontFunding'), minimumProblems: number('minimumProblems'),
      employmentRoute: text(body, 'employmentRoute') === 'yes' ? true : text(body, 'employmentRoute') === 'no' ? false : null, rules: form.rules,
    };
    try {
      await withFormFields(() => outcomes.saveClaimSettings(request.actor!, input), form.field);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return redirectWithErrors(services, request, reply, urls.claimSettings(), { errors: error.fieldErrors, values });
    }
    return reply.redirect(`${urls.claimSettings()}?saved=yes`, 303);
  });
}
