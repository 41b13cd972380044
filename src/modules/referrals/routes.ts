import { formVersion } from '../../domain/input.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cinFactorCodes, roles } from '../../domain/codes.ts';
import { ConflictError, ForbiddenError, RuleViolation, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { levelNames } from '../../domain/level-of-need.ts';
import { referralStatusLabels } from '../../domain/casework/lifecycle.ts';
import type { Services } from '../../services.ts';
import { isUuid } from '../../web/plugins/id-params.ts';
import { dateFromParts, dateParts, errorList, redirectWithErrors, takeFormState, text } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { mayUse, rolesWith } from '../../domain/access/policy.ts';

const referrers = rolesWith('referral.make');
const screeners = rolesWith('referral.screen');
const familyHolders = rolesWith('families.hold');
type Params = { familyId: string; referralId: string };

/** The needs a referral form offers: parents' vulnerabilities first, then the child's. */
export const referralNeedCodes = ['1B', '2B', '3B', '4B', '5B', '6B', '1C', '2C', '3C', '4C', '16A', '17A', '7A', '10A', '11A', '14A', '15A', '24A'];
const memberRows = [1, 2, 3, 4, 5];
/** The most people a referral names (referralMemberSchema's limit); a form's blank rows are skipped. */
const mostRows = Array.from({ length: 20 }, (_, i) => i + 1);
const fieldOrder = ['familyName', 'addressLine1', 'postcode', 'members', ...mostRows.flatMap((n) => [`member${n}-givenName`, `member${n}-familyName`, `member${n}-role`, `member${n}-dateOfBirth`]),
  'referrerName', 'referrerAgency', 'referrerContact', 'needCodes', 'reasons', 'routedTeamId', 'urgency', 'consent', 'lawfulBasis',
  'decision', 'familyChoice', 'programmeId', 'signpostedTo', 'reason', 'levelOverride', 'levelOverrideReason', 'form'];

function list(value: unknown): string[] {
  return value === undefined ? [] : [value].flat().map(String).filter(Boolean);
}

/** The form's answers as the API's input; only what the three date boxes cannot say goes in `errors`. */
function referralFromForm(body: Record<string, unknown>) {
  const errors: Record<string, string> = {};
  const rows: number[] = [];
  const members = mostRows.flatMap((n) => {
    const givenName = text(body, `member${n}-givenName`).trim();
    const familyName = text(body, `member${n}-familyName`).trim();
    const role = text(body, `member${n}-role`);
    const dob = dateFromParts(body, `member${n}-dateOfBirth`, 'Date of birth');
    if (!givenName && !familyName && !role && !dob.value && !dob.error) return [];
    if (dob.error) errors[`member${n}-dateOfBirth`] = `Person ${n}: ${lowerFirst(dob.error)}`;
    rows.push(n);
    return [{ givenName, familyName, role: role || undefined, dateOfBirth: dob.value }];
  });
  return {
    errors, rows,
    input: {
      familyId: text(body, 'familyId') || null, routedTeamId: text(body, 'routedTeamId') || null, familyName: text(body, 'familyName'), addressLine1: text(body, 'addressLine1'), postcode: text(body, 'postcode'),
      members, selfReferral: text(body, 'selfReferral') === 'yes', referrerName: text(body, 'referrerName'), referrerAgency: text(body, 'referrerAgency'),
      referrerContact: text(body, 'referrerContact'), needCodes: list(body.needCodes), reasons: text(body, 'reasons'),
      urgency: text(body, 'urgency') || undefined, consent: text(body, 'consent') || undefined, lawfulBasis: text(body, 'lawfulBasis'),
    },
  };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The schema's errors on the page's fields: a member's `members.0.givenName` is the row they were typed in. */
function onTheForm(errors: FieldErrors, rows: number[]): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([key, message]) => {
    const member = /^members\.(\d+)\.(\w+)$/.exec(key);
    if (!member) return [key, message];
    const n = rows[Number(member[1])];
    return [`member${n}-${member[2]}`, `Person ${n}: ${lowerFirst(message)}`];
  }));
}

function screeningFromForm(body: Record<string, unknown>) {
  return {
    decision: text(body, 'decision') || undefined, reason: text(body, 'reason'), programmeId: text(body, 'programmeId') || null,
    familyChoice: text(body, 'familyChoice'), addressLine1: text(body, 'addressLine1'), postcode: text(body, 'postcode'), signpostedTo: text(body, 'signpostedTo'),
    levelOverride: text(body, 'levelOverride') || null, levelOverrideReason: text(body, 'levelOverrideReason'), version: formVersion(text(body, 'version')),
  };
}

async function showForm(services: Services, request: FastifyRequest, reply: FastifyReply, context: Record<string, unknown>, defaults: Record<string, unknown>) {
  const state = await takeFormState(services, request);
  return reply.view('referrals/views/referral-form.njk', {
    ...context, roles, memberRows, teams: await services.referrals.teams(), needOptions: referralNeedCodes.map((code) => ({ code, label: cinFactorCodes[code] })),
    errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, anchors(), fieldOrder) : [], values: state?.values ?? defaults,
  });
}

// Another page (the identification list) can open the form with the family's details filled in.
const prefillFields = new Set(['familyName', 'addressLine1', 'postcode', 'reasons',
  ...memberRows.flatMap((n) => ['givenName', 'familyName', 'role', 'dateOfBirth-day', 'dateOfBirth-month', 'dateOfBirth-year'].map((f) => `member${n}-${f}`))]);

function prefill(fields: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (prefillFields.has(k) && typeof v === 'string') values[k] = v.slice(0, 2000);
  return values;
}

function anchors(): Record<string, string> {
  const a: Record<string, string> = { needCodes: 'needCodes', urgency: 'urgency', consent: 'consent', decision: 'decision', familyChoice: 'familyChoice', programmeId: 'programmeId' };
  for (const n of mostRows) a[`member${n}-dateOfBirth`] = `member${n}-dateOfBirth-day`;
  return a;
}

/** A referral's details as the correction form's answers: the family, one row per person, the referrer and the reasons. */
function detailsValues(referral: { subject: { familyName: string; addressLine1: string; postcode: string; members: { givenName: string; familyName: string; role: string; dateOfBirth: string | null }[] };
  referrer_name: string; referrer_agency: string; referrer_contact: string; reasons: string; version: number }): Record<string, unknown> {
  const values: Record<string, unknown> = {
    familyName: referral.subject.familyName, addressLine1: referral.subject.addressLine1, postcode: referral.subject.postcode,
    referrerName: referral.referrer_name, referrerAgency: referral.referrer_agency, referrerContact: referral.referrer_contact, reasons: referral.reasons, version: String(referral.version),
  };
  referral.subject.members.forEach((m, i) => {
    const p = `member${i + 1}`;
    const born = dateParts(m.dateOfBirth);
    Object.assign(values, { [`${p}-givenName`]: m.givenName, [`${p}-familyName`]: m.familyName, [`${p}-role`]: m.role, [`${p}-dateOfBirth-day`]: born.day, [`${p}-dateOfBirth-month`]: born.month, [`${p}-dateOfBirth-year`]: born.year });
  });
  return values;
}

/** The fields the screening form has: the address and postcode only for a referral not yet joined to a family. */
const screeningFields = (joined: boolean) => new Set(['decision', 'familyChoice', 'programmeId', 'signpostedTo', 'reason', 'levelOverride', 'levelOverrideReason', 'form', ...(joined ? [] : ['addressLine1', 'postcode'])]);

/**
 * The screening page's error summary. A problem with a field the screening form has links to it;
 * any other (a person's name or date of birth, say, found when the family record is made) links to
 * that field on "Correct the referral's details", where it can be put right.
 */
export function screeningErrorList(referralId: string, errors: FieldErrors, joined: boolean) {
  const onPage = screeningFields(joined);
  const here = Object.fromEntries(Object.entries(errors).filter(([k]) => onPage.has(k)));
  const elsewhere = onTheForm(Object.fromEntries(Object.entries(errors).filter(([k]) => !onPage.has(k))), mostRows);
  const details = urls.referralDetails(referralId);
  return [
    ...errorList(here, anchors(), fieldOrder),
    ...errorList(elsewhere, anchors(), fieldOrder).map((e) => ({ text: `${e.text} – correct the referral’s details`, href: `${details}${e.href}` })),
  ];
}

export async function referralRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { referrals, families } = services;
  const referrerDefaults = (request: FastifyRequest) => ({
    referrerName: request.user!.display_name, referrerAgency: request.user!.agency_name, referrerContact: request.user!.email, consent: '', urgency: 'routine',
  });

  async function submit(request: FastifyRequest, reply: FastifyReply, back: string) {
    const body = request.body as Record<string, unknown>;
    const form = referralFromForm(body);
    try {
      // A date the boxes cannot make is not sent, but every other problem is still found at once.
      if (Object.keys(form.errors).length) throw new ValidationError(referrals.referralErrors(form.input));
      const { id } = await referrals.refer(request.actor!, form.input);
      return reply.redirect(`${urls.referral(id)}?saved=referred`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return redirectWithErrors(services, request, reply, back, { errors: { ...onTheForm(error.fieldErrors, form.rows), ...form.errors }, values: body });
    }
  }

  // Filled in from a draft (an identified household) by id: the answers never travel in the URL.
  app.get(paths.newReferral, { config: { access: referrers } }, async (request, reply) => {
    const draftId = (request.query as Record<string, unknown>).draftId;
    const draft = typeof draftId === 'string' && isUuid(draftId) ? prefill(await referrals.draft(request.actor!, draftId)) : {};
    return showForm(services, request, reply, { pageTitle: 'Refer a family', action: urls.newReferral(), back: urls.myFamilies() }, { ...referrerDefaults(request), ...draft });
  });

  app.post(paths.newReferral, { config: { access: referrers } }, async (request, reply) => submit(request, reply, urls.newReferral()));

  app.get<{ Params: Params }>(paths.newFamilyReferral, { config: { access: referrers } }, async (request, reply) => {
    const view = await families.family(request.actor!, request.params.familyId);
    return showForm(services, request, reply, {
      pageTitle: `Refer the ${view.family.familyName} family`, action: urls.newFamilyReferral(view.family.id), back: urls.family(view.family.id), family: view.family,
    }, referrerDefaults(request));
  });

  app.post<{ Params: Params }>(paths.newFamilyReferral, { config: { access: referrers } }, async (request, reply) => {
    (request.body as Record<string, unknown>).familyId = request.params.familyId;
    return submit(request, reply, urls.newFamilyReferral(request.params.familyId));
  });

  app.get(paths.referrals, { config: { access: screeners } }, async (request, reply) => {
    const queue = await referrals.queue(request.actor!);
    return reply.view('referrals/views/queue.njk', { pageTitle: 'Referrals', queue, statusLabels: referralStatusLabels });
  });

  app.get<{ Params: Params }>(paths.referral, { config: { access: referrers } }, async (request, reply) => {
    const view = await referrals.referral(request.actor!, request.params.referralId);
    const state = await takeFormState(services, request);
    return reply.view('referrals/views/referral.njk', {
      pageTitle: `Referral ${view.referral.reference}`, ...view, statusLabels: referralStatusLabels, levelNames,
      saved: (request.query as Record<string, string>).saved,
      errors: state?.errors ?? {}, errorList: state ? screeningErrorList(view.referral.id, state.errors, Boolean(view.referral.family_id)) : [], values: state?.values ?? { version: view.referral.version },
    });
  });

  app.get<{ Params: Params }>(paths.referralDetails, { config: { access: screeners } }, async (request, reply) => {
    const view = await referrals.referral(request.actor!, request.params.referralId);
    if (!view.mayScreen) throw new ForbiddenError('Only the managers the referral is routed to can correct it');
    if (view.referral.status !== 'received') throw new RuleViolation('This referral has been screened: its details can no longer be corrected');
    const state = await takeFormState(services, request);
    const rows = Array.from({ length: Math.min(20, Math.max(memberRows.length, view.referral.subject.members.length + 1)) }, (_, i) => i + 1);
    return reply.view('referrals/views/referral-details.njk', {
      pageTitle: 'Correct the referral’s details', referral: view.referral, roles, memberRows: rows, back: urls.referral(view.referral.id),
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, anchors(), fieldOrder) : [], values: state?.values ?? detailsValues(view.referral),
    });
  });

  app.post<{ Params: Params }>(paths.referralDetails, { config: { access: screeners } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const { referralId } = request.params;
    const form = referralFromForm(body);
    const { familyName, addressLine1, postcode, members, referrerName, referrerAgency, referrerContact, reasons } = form.input;
    const input = { familyName, addressLine1, postcode, members, referrerName, referrerAgency, referrerContact, reasons, version: formVersion(text(body, 'version')) };
    try {
      // A date the boxes cannot make is not sent, but every other problem is still found at once.
      await referrals.correctDetails(request.actor!, referralId, input, { incomplete: Object.keys(form.errors).length > 0 });
      return reply.redirect(`${urls.referral(referralId)}?saved=corrected`, 303);
    } catch (error) {
      const errors: FieldErrors | null = error instanceof ValidationError ? { ...onTheForm(error.fieldErrors, form.rows), ...form.errors }
        : error instanceof ConflictError || error instanceof RuleViolation ? { form: error.message } : null;
      if (!errors) throw error;
      if (errors.version) { errors.form = errors.version; delete errors.version; }
      return redirectWithErrors(services, request, reply, urls.referralDetails(referralId), { errors, values: body });
    }
  });

  app.post<{ Params: Params }>(paths.screenReferral, { config: { access: screeners } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const { referralId } = request.params;
    try {
      const result = await referrals.screen(request.actor!, referralId, screeningFromForm(body));
      return reply.redirect(result.caseId ? `${urls.case(result.caseId)}?saved=accepted` : `${urls.referral(referralId)}?saved=screened`, 303);
    } catch (error) {
      const errors: FieldErrors | null = error instanceof ValidationError ? { ...error.fieldErrors }
        : error instanceof ConflictError || error instanceof RuleViolation ? { form: error.message } : null;
      if (!errors) throw error;
      if (errors.version) { errors.form = errors.version; delete errors.version; }
      return redirectWithErrors(services, request, reply, urls.referral(referralId), { errors, values: body });
    }
  });

  app.get(paths.myReferrals, { config: { access: referrers } }, async (request, reply) => {
    const mine = await referrals.mine(request.actor!);
    return reply.view('referrals/views/mine.njk', { pageTitle: 'Referrals I made', referrals: mine, statusLabels: referralStatusLabels });
  });

  app.post<{ Params: Params }>(paths.referralJoinRequests, { config: { access: screeners } }, async (request, reply) => {
    const { referralId } = request.params;
    try {
      await referrals.requestJoin(request.actor!, referralId, { familyId: text(request.body as Record<string, unknown>, 'familyId') });
      return reply.redirect(`${urls.referral(referralId)}?saved=asked`, 303);
    } catch (error) {
      const errors = error instanceof ValidationError ? error.fieldErrors : error instanceof RuleViolation ? { form: error.message } : null;
      if (!errors) throw error;
      return redirectWithErrors(services, request, reply, urls.referral(referralId), { errors, values: {} });
    }
  });

  // The data protection officer sees who has seen any family (not the record itself, nor its join requests).
  app.get<{ Params: Params }>(paths.familySeenBy, { config: { access: [...referrers, ...rolesWith('data-protection')] } }, async (request, reply) => {
    const { familyId } = request.params;
    const events = await services.audit.seenBy(request.actor!, familyId);
    const dpo = mayUse(request.actor!.role, 'data-protection');
    const family = dpo ? await services.governance.seenByHeader(request.actor!, familyId) : (await families.family(request.actor!, familyId)).family;
    const state = await takeFormState(services, request);
    return reply.view('audit/views/seen-by.njk', {
      pageTitle: 'Who has seen this family', family, events, joinRequests: dpo ? [] : await referrals.joinRequestsForFamily(request.actor!, familyId), dpo,
      saved: { accepted: 'Request accepted: the referral is joined to this family', refused: 'Request refused' }[(request.query as Record<string, string>).saved ?? ''],
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors) : [],
    });
  });

  app.post<{ Params: Params & { joinRequestId: string } }>(paths.familyJoinRequest, { config: { access: referrers } }, async (request, reply) => {
    const { familyId, joinRequestId } = request.params;
    const body = request.body as Record<string, unknown>;
    const decision = text(body, 'decision');
    const back = urls.familySeenBy(familyId);
    try {
      const result = await referrals.decideJoinRequest(request.actor!, familyId, joinRequestId, { decision, reason: text(body, 'reason') });
      return reply.redirect(`${back}?saved=${result.status}`, 303);
    } catch (error) {
      const errors = error instanceof ValidationError ? error.fieldErrors : error instanceof RuleViolation ? { decision: error.message } : null;
      if (!errors) throw error;
      return redirectWithErrors(services, request, reply, back, { errors, values: body });
    }
  });

  // API
  app.get(paths.api.myReferrals, { config: { access: referrers } }, async (request) => ({ referrals: await referrals.mine(request.actor!) }));
  app.post(paths.api.referrals, { config: { access: referrers } }, async (request, reply) =>
    reply.code(201).send(await referrals.refer(request.actor!, request.body)));
  app.get(paths.api.referrals, { config: { access: screeners } }, async (request) => ({ referrals: await referrals.queue(request.actor!) }));
  app.get<{ Params: Params }>(paths.api.referral, { config: { access: referrers } }, async (request) => referrals.referral(request.actor!, request.params.referralId));
  app.put<{ Params: Params }>(paths.api.referralDetails, { config: { access: screeners } }, async (request) =>
    referrals.correctDetails(request.actor!, request.params.referralId, request.body));
  app.post<{ Params: Params }>(paths.api.screenReferral, { config: { access: screeners } }, async (request) =>
    referrals.screen(request.actor!, request.params.referralId, request.body));
  // Join requests: a screener asks; the family's lead or a manager answers (see Access and audit in the README).
  app.post<{ Params: Params }>(paths.api.referralJoinRequests, { config: { access: screeners } }, async (request, reply) =>
    reply.code(201).send(await referrals.requestJoin(request.actor!, request.params.referralId, request.body ?? {})));
  app.get<{ Params: Params }>(paths.api.familyJoinRequests, { config: { access: familyHolders } }, async (request) =>
    ({ joinRequests: await referrals.joinRequestsForFamily(request.actor!, request.params.familyId) }));
  app.post<{ Params: Params & { joinRequestId: string } }>(paths.api.familyJoinRequest, { config: { access: familyHolders } }, async (request) =>
    referrals.decideJoinRequest(request.actor!, request.params.familyId, request.params.joinRequestId, request.body ?? {}));
  app.get<{ Params: Params }>(paths.api.familySeenBy, { config: { access: familyHolders } }, async (request) =>
    ({ seenBy: await services.audit.seenBy(request.actor!, request.params.familyId) }));
}
