import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toCsv } from '../../domain/needs-analysis/csv.ts';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import { retentionLabels, retentionRecordTypes, retentionReportDays } from '../../domain/governance/retention.ts';
import { formatDate } from '../../domain/dates.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, setSessionValue, takeFormState, text, withFieldIds } from '../../web/forms.ts';
import { governanceApiPaths as api, governancePaths as paths } from '../../web/governance-urls.ts';
import { urls } from '../../web/urls.ts';
import { ukDateTime } from '../admin/present.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import { subjectAccessJson, subjectAccessPdf } from './subject-access.ts';
import { ReauthenticationAtIssuerNeeded } from '../access/reauthenticate.ts';

// Each route declares the roles the one policy gives its feature, so the route table and the use cases agree.
const caseworkers = { config: { access: rolesWith('break-glass.ask') } };
const reviewers = { config: { access: rolesWith('break-glass.review') } };
const dpo = { config: { access: rolesWith('data-protection') } };
// Subject access downloads: a session signed in through an issuer signs in there again first (see reauthenticate in src/web/types.ts).
const dpoExport = { config: { access: rolesWith('data-protection'), reauthenticate: true } };
const holders = { config: { access: rolesWith('legal-holds.manage') } };
const retentionReaders = { config: { access: rolesWith('retention.read') } };
const retentionManagers = { config: { access: rolesWith('retention.manage') } };

type GrantId = { Params: { grantId: string } };

/** Runs a form's use case; invalid input or a stale save goes back to the form with the messages and the answers (never the password). */
async function submit(services: Services, request: FastifyRequest, reply: FastifyReply, back: string, work: (body: Record<string, unknown>) => Promise<string>) {
  const body = (request.body ?? {}) as Record<string, unknown>;
  try {
    return reply.redirect(await work(body), 303);
  } catch (error) {
    const errors = error instanceof ValidationError ? error.fieldErrors : error instanceof ConflictError ? { form: error.message } : null;
    if (!errors) throw error;
    const { password: _, _csrf: __, ...values } = body;
    return redirectWithErrors(services, request, reply, back, { errors, values });
  }
}

async function formPage(services: Services, request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown>) {
  const state = await takeFormState(services, request);
  const errors = state?.errors ?? {};
  return reply.view(template, { ...context, errors, errorList: errorList(errors), values: state?.values ?? {} });
}

const presentGrant = (g: Awaited<ReturnType<Services['governance']['reviewList']>>[number]) => ({
  ...g, granted: ukDateTime(g.granted_at), expires: ukDateTime(g.expires_at), reviewed: g.reviewed_at ? ukDateTime(g.reviewed_at) : null,
});

export async function governanceRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { governance } = services;

  // Break glass
  // A session signed in through an issuer confirms who it is there (never with a password): the form
  // is kept while the person signs in again, then shown filled in to send.
  app.get(paths.emergencyAccess, caseworkers, async (request, reply) => {
    const issuer = services.sso.issuerOfSession(request.session?.data);
    const draft = request.session?.data.breakGlassDraft as Record<string, unknown> | null | undefined;
    if (draft) await setSessionValue(services, request, 'breakGlassDraft', null);
    const confirmed = Boolean(draft && issuer && (await services.sso.authenticatedWithin(request.session!.idHash)));
    const state = await takeFormState(services, request);
    const errors = state?.errors ?? {};
    return reply.view('governance/views/emergency-access.njk', {
      pageTitle: 'Ask for emergency access', hours: governance.breakGlassHours, issuer, confirmed,
      errors, errorList: errorList(errors), values: state?.values ?? draft ?? {},
    });
  });

  app.post(paths.emergencyAccess, caseworkers, async (request, reply) => {
    const issuer = services.sso.issuerOfSession(request.session?.data);
    // Read before the act's transaction (PGlite has a single connection).
    const proof = issuer ? { method: 'issuer' as const, issuerId: issuer.id, fresh: await services.sso.authenticatedWithin(request.session!.idHash) } : undefined;
    return submit(services, request, reply, urls.emergencyAccess(), async (body) => {
      try {
        const { familyId } = await governance.requestBreakGlass(request.actor!, body, proof);
        return `${urls.family(familyId)}?saved=emergency-access`;
      } catch (error) {
        if (!(error instanceof ReauthenticationAtIssuerNeeded)) throw error;
        await setSessionValue(services, request, 'breakGlassDraft', { familyReference: text(body, 'familyReference'), reason: text(body, 'reason') });
        return urls.ssoReauth(urls.emergencyAccess());
      }
    });
  });

  app.post<GrantId>(paths.breakGlassNoticeRead, { config: { access: 'signed-in' } }, async (request, reply) => {
    await governance.markNoticeRead(request.actor!, request.params.grantId);
    return reply.redirect(urls.myFamilies(), 303);
  });

  app.get(paths.breakGlassReviews, reviewers, async (request, reply) => {
    const grants = (await governance.reviewList(request.actor!)).map(presentGrant);
    return formPage(services, request, reply, 'governance/views/reviews.njk', {
      pageTitle: 'Emergency access to review', grants, saved: (request.query as Record<string, string>).saved === 'reviewed',
    });
  });

  app.post<GrantId>(paths.breakGlassReview, reviewers, async (request, reply) =>
    submit(services, request, reply, urls.breakGlassReviews(), async (body) => {
      // The note box belongs to this grant's form on the list: its one field shows the form's problems.
      await withFieldIds(() => governance.review(request.actor!, request.params.grantId, body), () => `note-${request.params.grantId}`);
      return `${urls.breakGlassReviews()}?saved=reviewed`;
    }));

  // The data protection officer
  app.get(paths.dpo, dpo, async (request, reply) =>
    formPage(services, request, reply, 'governance/views/dpo.njk', { pageTitle: 'Data protection' }));

  app.post(paths.dpoSeenBy, dpo, async (request, reply) =>
    submit(services, request, reply, urls.dpo(), async (body) => urls.familySeenBy((await governance.findFamily(request.actor!, body)).id)));

  app.get(paths.subjectAccess, dpo, async (request, reply) =>
    formPage(services, request, reply, 'governance/views/subject-access.njk', { pageTitle: 'Subject access' }));

  app.post(paths.subjectAccess, dpo, async (request, reply) =>
    submit(services, request, reply, urls.subjectAccess(), async (body) => urls.subjectAccessFamily((await governance.findFamily(request.actor!, body)).id)));

  app.get<{ Params: { familyId: string } }>(paths.subjectAccessFamily, dpo, async (request, reply) => {
    const header = await governance.seenByHeader(request.actor!, request.params.familyId);
    const { people } = await governance.subjectAccessPeople(request.actor!, { familyReference: header.reference });
    return reply.view('governance/views/subject-access-family.njk', { pageTitle: `Subject access: family ${header.reference}`, family: header, people });
  });

  app.get<{ Params: { personId: string } }>(paths.subjectAccessJson, dpoExport, async (request, reply) => {
    const data = await governance.subjectAccess(request.actor!, request.params.personId);
    return reply.header('Content-Disposition', 'attachment; filename="subject-access.json"').type('application/json; charset=utf-8').send(JSON.stringify(subjectAccessJson(data), null, 2));
  });

  app.get<{ Params: { personId: string } }>(paths.subjectAccessPdf, dpoExport, async (request, reply) => {
    const data = await governance.subjectAccess(request.actor!, request.params.personId);
    return reply.header('Content-Disposition', 'attachment; filename="subject-access.pdf"').type('application/pdf').send(await subjectAccessPdf(data));
  });

  // Legal holds
  app.get(paths.legalHolds, holders, async (request, reply) => {
    const holds = (await governance.holds(request.actor!)).map((h) => ({ ...h, placed: ukDateTime(h.placed_at) }));
    return formPage(services, request, reply, 'governance/views/legal-holds.njk', { pageTitle: 'Legal holds', holds, saved: (request.query as Record<string, string>).saved });
  });

  app.post(paths.legalHolds, holders, async (request, reply) =>
    submit(services, request, reply, urls.legalHolds(), async (body) => {
      await governance.placeHold(request.actor!, body);
      return `${urls.legalHolds()}?saved=placed`;
    }));

  app.post<{ Params: { legalHoldId: string } }>(paths.liftLegalHold, holders, async (request, reply) =>
    submit(services, request, reply, urls.legalHolds(), async (body) => {
      await withFieldIds(() => governance.liftHold(request.actor!, request.params.legalHoldId, body), () => `reason-${request.params.legalHoldId}`);
      return `${urls.legalHolds()}?saved=lifted`;
    }));

  // Retention
  const ruleRows = async (request: FastifyRequest) => (await governance.retentionRules(request.actor!)).map((r) => ({
    ...r, ...retentionLabels[r.record_type], updated: r.updated_at ? `${ukDateTime(r.updated_at)} by ${r.updated_by_name ?? 'the command line'}` : 'Not changed since installation (proposed default)',
  }));

  app.get(paths.adminRetention, retentionManagers, async (request, reply) =>
    formPage(services, request, reply, 'governance/views/retention-rules.njk', { pageTitle: 'Retention periods', rules: await ruleRows(request), saved: (request.query as Record<string, string>).saved }));

  app.post(paths.adminRetention, retentionManagers, async (request, reply) =>
    submit(services, request, reply, urls.adminRetention(), async (body) => {
      const input = Object.fromEntries(retentionRecordTypes.filter((t) => body[`${t}-months`] !== undefined)
        .map((t) => [t, { months: String(body[`${t}-months`] ?? '').trim().replace(/,/g, '') || undefined, version: Number(body[`${t}-version`]) }]));
      // "closed_family.months" → the field's id on the page.
      await withFieldIds(() => governance.setRetentionRules(request.actor!, input), (k) => k.replace(/\.(months|version)$/, '-months'));
      return `${urls.adminRetention()}?saved=yes`;
    }));

  app.get(paths.retentionDue, retentionReaders, async (request, reply) => {
    const plan = await governance.retentionPlan(request.actor!);
    return reply.view('governance/views/retention-due.njk', {
      pageTitle: 'Records due to go', days: retentionReportDays, today: formatDate(plan.today),
      items: plan.coming.map((i) => ({ ...i, type: retentionLabels[i.recordType].label, then: retentionLabels[i.recordType].then, due: formatDate(i.dueOn), overdue: i.dueOn <= plan.today })),
    });
  });

  app.get(paths.retentionDueCsv, retentionReaders, async (request, reply) => {
    const plan = await governance.retentionPlan(request.actor!);
    const csv = toCsv(['Record type', 'Reference', 'Due on', 'What happens', 'Legal hold'],
      plan.coming.map((i) => [retentionLabels[i.recordType].label, i.reference, i.dueOn, retentionLabels[i.recordType].then, i.held ? 'yes: kept' : 'no']));
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="retention-due.csv"').send(csv);
  });

  // API
  app.post(api.breakGlass, caseworkers, async (request, reply) => {
    // Someone who confirms who they are only at an issuer is sent to the web page, never asked for a password.
    const issuer = await services.sso.confirmsOnlyAtIssuer(request.actor!.id);
    const proof = issuer ? { method: 'issuer-on-web' as const, issuerId: issuer.id, account: issuer.account, page: services.sso.address(urls.emergencyAccess()) } : undefined;
    return reply.code(201).send(await governance.requestBreakGlass(request.actor!, request.body, proof));
  });
  app.get(api.breakGlassReviews, reviewers, async (request) => ({ grants: await governance.reviewList(request.actor!) }));
  app.post<GrantId>(api.breakGlassReview, reviewers, async (request) => {
    await governance.review(request.actor!, request.params.grantId, request.body);
    return { reviewed: true };
  });
  app.get(api.legalHolds, holders, async (request) => ({ legalHolds: await governance.holds(request.actor!) }));
  app.post(api.legalHolds, holders, async (request, reply) => reply.code(201).send({ id: await governance.placeHold(request.actor!, request.body) }));
  app.post<{ Params: { legalHoldId: string } }>(api.liftLegalHold, holders, async (request) => {
    await governance.liftHold(request.actor!, request.params.legalHoldId, request.body);
    return { lifted: true };
  });
  app.get(api.retentionRules, retentionManagers, async (request) => ({ rules: await governance.retentionRules(request.actor!) }));
  app.put(api.retentionRules, retentionManagers, async (request) => ({ rules: await governance.setRetentionRules(request.actor!, request.body) }));
  app.get(api.retentionDue, retentionReaders, async (request) => {
    const plan = await governance.retentionPlan(request.actor!);
    return { today: plan.today, days: retentionReportDays, items: plan.coming };
  });
  app.get<{ Params: { personId: string } }>(api.subjectAccess, dpo, async (request) => subjectAccessJson(await governance.subjectAccess(request.actor!, request.params.personId)));
}
