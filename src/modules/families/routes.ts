import { ForbiddenError } from '../../domain/errors.ts';
import { legalStatusRefusal } from '../../domain/access/categories.ts';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { factorCodesFor, cinFactorCodes, legalStatuses, roles, type Role } from '../../domain/codes.ts';
import { ConflictError, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { dateParts, errorList, redirectWithErrors, setSessionValue, takeFormState, text } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { ukDateTime } from '../admin/present.ts';
import { familySchema, memberSchema, needSchema, statusSchema } from './schemas.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { familyFromForm, fieldAnchors, fieldOrder, memberFromForm, needFromForm, statusFromForm } from './forms.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
type Params = { familyId: string; personId: string; memberId: string };

interface NewFamilyJourney {
  household: Record<string, unknown> | null;
  members: (Record<string, unknown> & { id: string })[];
}

function journey(request: FastifyRequest): NewFamilyJourney {
  return (request.session?.data.newFamily as NewFamilyJourney | undefined) ?? { household: null, members: [] };
}

/** Runs a save; on invalid input or a stale save, sends the user back to the form with the messages and their answers. */
async function saveOrReturn(services: Services, request: FastifyRequest, reply: FastifyReply, options: {
  back: string; values: Record<string, unknown>; formErrors: FieldErrors; schema?: ZodType; input?: unknown; save: () => Promise<unknown>; then: string;
}) {
  try {
    // A date the boxes could not make sense of stops the save; the rest is still checked so every problem shows at once.
    if (Object.keys(options.formErrors).length) {
      const checked = options.schema?.safeParse(options.input);
      throw new ValidationError(checked && !checked.success ? fieldErrors(checked.error) : {});
    }
    await options.save();
  } catch (error) {
    if (error instanceof ValidationError) {
      return redirectWithErrors(services, request, reply, options.back, { errors: { ...error.fieldErrors, ...options.formErrors }, values: options.values });
    }
    if (error instanceof ConflictError) {
      return redirectWithErrors(services, request, reply, options.back, { errors: { form: error.message }, values: options.values });
    }
    throw error;
  }
  return reply.redirect(options.then, 303);
}

async function formPage(services: Services, request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown>, saved: Record<string, unknown> = {}) {
  const state = await takeFormState(services, request);
  return reply.view(template, {
    ...context,
    errors: state?.errors ?? {},
    errorList: state ? errorList(state.errors, fieldAnchors, fieldOrder) : [],
    values: state?.values ?? saved,
  });
}

function memberValues(m: Record<string, unknown>) {
  const dob = dateParts(m.dateOfBirth as string | null);
  const due = dateParts(m.expectedDate as string | null);
  return {
    givenName: m.givenName, familyName: m.familyName, role: m.role, sex: m.sex, version: m.version,
    'dateOfBirth-day': dob.day, 'dateOfBirth-month': dob.month, 'dateOfBirth-year': dob.year,
    'expectedDate-day': due.day, 'expectedDate-month': due.month, 'expectedDate-year': due.year,
  };
}

const maxKeptSearches = 10;

const presentBreakGlass = (p: Awaited<ReturnType<Services['governance']['familyPanel']>>) => ({
  mine: p.mine ? { ...p.mine, expires: ukDateTime(p.mine.expires_at) } : null,
  others: p.others.map((g) => ({ ...g, expires: ukDateTime(g.expires_at) })),
});

export async function familyPages(app: FastifyInstance, { services }: { services: Services }) {
  const { families } = services;

  app.get(paths.myFamilies, { config: { access: 'signed-in' } }, async (request, reply) => {
    const list = await families.myFamilies(request.actor!);
    const created = (request.query as Record<string, string>).created;
    const breakGlassNotices = (await services.governance.notices(request.actor!)).map((n) => ({ ...n, granted_at: n.granted_at }));
    return reply.view('families/views/my-families.njk', { pageTitle: 'My families', families: list, created, breakGlassNotices });
  });

  // Searches are posted and kept in the session under an id, so names and dates of birth never
  // appear in a URL, the browser's history or the request log.
  app.get(paths.search, { config: { access: 'signed-in' } }, async (request, reply) => {
    const searchId = (request.query as Record<string, unknown>).searchId;
    const searches = (request.session?.data.searches ?? {}) as Record<string, string>;
    const q = typeof searchId === 'string' ? searches[searchId] ?? '' : '';
    const result = q.trim() ? await families.search(request.actor!, q) : null;
    return reply.view('families/views/search.njk', { pageTitle: q ? `Search results for ${q}` : 'Search', q, result, searchQuery: q });
  });

  app.post(paths.search, { config: { access: 'signed-in' } }, async (request, reply) => {
    const q = text(request.body as Record<string, unknown>, 'q').trim().slice(0, 200);
    if (!q) return reply.redirect(urls.search(), 303);
    const searchId = randomUUID();
    // The last few searches only: enough for the back button, never a growing history.
    const kept = Object.entries((request.session!.data.searches ?? {}) as Record<string, string>).slice(-(maxKeptSearches - 1));
    await setSessionValue(services, request, 'searches', Object.fromEntries([...kept, [searchId, q]]));
    return reply.redirect(urls.search(searchId), 303);
  });

  app.get<{ Params: Params }>(paths.family, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await families.family(request.actor!, request.params.familyId);
    const cases = await services.cases.casesForFamily(request.actor!, view.family.id);
    const saved = (request.query as Record<string, string>).saved;
    const maySeeWhoHasSeen = await services.audit.maySeeWhoHasSeen(request.actor!, view.family.id);
    const breakGlass = await services.governance.familyPanel(request.actor!, view.family.id);
    return reply.view('families/views/family.njk', { pageTitle: `${view.family.familyName} family (${view.family.reference})`, ...view, cases, saved, maySeeWhoHasSeen, breakGlass: presentBreakGlass(breakGlass) });
  });

  // Household details
  app.get<{ Params: Params }>(paths.editFamily, { config: { access: writers } }, async (request, reply) => {
    const view = await families.family(request.actor!, request.params.familyId);
    const { districts } = await families.referenceData();
    return formPage(services, request, reply, 'families/views/household-form.njk', {
      pageTitle: 'Change household details', districts, action: urls.editFamily(view.family.id), back: urls.family(view.family.id), family: view.family,
    }, { ...view.family });
  });

  app.post<{ Params: Params }>(paths.editFamily, { config: { access: writers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const { familyId } = request.params;
    return saveOrReturn(services, request, reply, {
      back: urls.editFamily(familyId), values: body, formErrors: {},
      save: () => families.updateFamily(request.actor!, familyId, familyFromForm(body)),
      then: `${urls.family(familyId)}?saved=household`,
    });
  });

  // Members of an existing family
  app.get<{ Params: Params }>(paths.addMember, { config: { access: writers } }, async (request, reply) => {
    const view = await families.family(request.actor!, request.params.familyId);
    return formPage(services, request, reply, 'families/views/member-form.njk', {
      pageTitle: 'Add a family member', roles, action: urls.addMember(view.family.id), back: urls.family(view.family.id), family: view.family,
    }, { familyName: view.family.familyName });
  });

  app.post<{ Params: Params }>(paths.addMember, { config: { access: writers } }, async (request, reply) => {
    const { familyId } = request.params;
    const form = memberFromForm(request.body as Record<string, unknown>);
    return saveOrReturn(services, request, reply, {
      back: urls.addMember(familyId), values: form.values, formErrors: form.errors, schema: memberSchema(services.clock.today()), input: form.input,
      save: () => families.addMember(request.actor!, familyId, form.input),
      then: `${urls.family(familyId)}?saved=member`,
    });
  });

  app.get<{ Params: Params }>(paths.editMember, { config: { access: writers } }, async (request, reply) => {
    const view = await families.family(request.actor!, request.params.familyId);
    const member = view.members.find((m) => m.id === request.params.personId);
    if (!member) return reply.callNotFound();
    return formPage(services, request, reply, 'families/views/member-form.njk', {
      pageTitle: `Change details for ${member.name}`, roles, action: urls.editMember(view.family.id, member.id), back: urls.family(view.family.id), family: view.family, editing: true,
    }, memberValues(member));
  });

  app.post<{ Params: Params }>(paths.editMember, { config: { access: writers } }, async (request, reply) => {
    const { familyId, personId } = request.params;
    const form = memberFromForm(request.body as Record<string, unknown>);
    return saveOrReturn(services, request, reply, {
      back: urls.editMember(familyId, personId), values: form.values, formErrors: form.errors, schema: memberSchema(services.clock.today()), input: form.input,
      save: () => families.updateMember(request.actor!, familyId, personId, form.input),
      then: `${urls.family(familyId)}?saved=member`,
    });
  });

  app.get<{ Params: Params }>(paths.addNeed, { config: { access: writers } }, async (request, reply) => {
    const view = await families.family(request.actor!, request.params.familyId);
    const member = view.members.find((m) => m.id === request.params.personId);
    if (!member) return reply.callNotFound();
    const { agencies } = await families.referenceData();
    const codes = factorCodesFor(member.role as Role).map((code) => ({ code, label: cinFactorCodes[code] }));
    return formPage(services, request, reply, 'families/views/need-form.njk', {
      pageTitle: `Record a need for ${member.name}`, member, codes, agencies, action: urls.addNeed(view.family.id, member.id), back: urls.family(view.family.id),
    }, { isCurrent: 'yes', needType: 'cin_factor' });
  });

  app.post<{ Params: Params }>(paths.addNeed, { config: { access: writers } }, async (request, reply) => {
    const { familyId, personId } = request.params;
    const body = request.body as Record<string, unknown>;
    const form = needFromForm(body);
    return saveOrReturn(services, request, reply, {
      back: urls.addNeed(familyId, personId), values: body, formErrors: form.errors, schema: needSchema(services.clock.today()), input: form.input,
      save: () => families.addNeed(request.actor!, familyId, personId, form.input),
      then: `${urls.family(familyId)}?saved=need`,
    });
  });

  app.get<{ Params: Params }>(paths.recordStatus, { config: { access: writers } }, async (request, reply) => {
    const view = await families.family(request.actor!, request.params.familyId);
    // Legal status is children's social care's to record: anyone else gets the reason, not the form.
    if (!view.mayRecordLegalStatus) throw new ForbiddenError(legalStatusRefusal);
    const member = view.members.find((m) => m.id === request.params.personId);
    if (!member) return reply.callNotFound();
    return formPage(services, request, reply, 'families/views/status-form.njk', {
      pageTitle: `Record a legal status for ${member.name}`, member, statuses: legalStatuses, action: urls.recordStatus(view.family.id, member.id), back: urls.family(view.family.id),
    });
  });

  app.post<{ Params: Params }>(paths.recordStatus, { config: { access: writers } }, async (request, reply) => {
    const { familyId, personId } = request.params;
    const body = request.body as Record<string, unknown>;
    const form = statusFromForm(body);
    return saveOrReturn(services, request, reply, {
      back: urls.recordStatus(familyId, personId), values: body, formErrors: form.errors, schema: statusSchema, input: form.input,
      save: () => families.recordStatus(request.actor!, familyId, personId, form.input),
      then: `${urls.family(familyId)}?saved=status`,
    });
  });

  // Add a family: household, then members, then check your answers.
  app.get(paths.newFamilyHousehold, { config: { access: writers } }, async (request, reply) => {
    const { districts } = await families.referenceData();
    return formPage(services, request, reply, 'families/views/household-form.njk', {
      pageTitle: 'Household details', districts, action: urls.newFamilyHousehold(), back: urls.myFamilies(), creating: true,
    }, journey(request).household ?? {});
  });

  app.post(paths.newFamilyHousehold, { config: { access: writers } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const household = familyFromForm(body);
    const parsed = familySchema.safeParse(household);
    if (!parsed.success) return redirectWithErrors(services, request, reply, urls.newFamilyHousehold(), { errors: fieldErrors(parsed.error), values: body });
    const state = journey(request);
    await setSessionValue(services, request, 'newFamily', { ...state, household });
    return reply.redirect(state.members.length ? urls.newFamilyCheck() : urls.newFamilyAddMember(), 303);
  });

  app.get(paths.newFamilyAddMember, { config: { access: writers } }, async (_request, reply) =>
    reply.redirect(urls.newFamilyMember(randomUUID())));

  app.get<{ Params: Params }>(paths.newFamilyMember, { config: { access: writers } }, async (request, reply) => {
    const state = journey(request);
    if (!state.household) return reply.redirect(urls.newFamilyHousehold());
    const existing = state.members.find((m) => m.id === request.params.memberId);
    return formPage(services, request, reply, 'families/views/member-form.njk', {
      pageTitle: existing ? 'Change family member' : state.members.length ? 'Add another family member' : 'Add a family member',
      roles, action: urls.newFamilyMember(request.params.memberId), back: state.members.length ? urls.newFamilyCheck() : urls.newFamilyHousehold(), creating: true,
    }, existing ? memberValues(existing) : { familyName: state.household.familyName });
  });

  app.post<{ Params: Params }>(paths.newFamilyMember, { config: { access: writers } }, async (request, reply) => {
    const { memberId } = request.params;
    const form = memberFromForm(request.body as Record<string, unknown>);
    const parsed = memberSchema(services.clock.today()).safeParse(form.input);
    const errors = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...form.errors };
    if (Object.keys(errors).length) return redirectWithErrors(services, request, reply, urls.newFamilyMember(memberId), { errors, values: form.values });
    const state = journey(request);
    const member = { ...form.input, id: memberId };
    const members = state.members.some((m) => m.id === memberId) ? state.members.map((m) => (m.id === memberId ? member : m)) : [...state.members, member];
    await setSessionValue(services, request, 'newFamily', { ...state, members });
    return reply.redirect(urls.newFamilyCheck(), 303);
  });

  app.post<{ Params: Params }>(paths.newFamilyRemoveMember, { config: { access: writers } }, async (request, reply) => {
    const state = journey(request);
    await setSessionValue(services, request, 'newFamily', { ...state, members: state.members.filter((m) => m.id !== request.params.memberId) });
    return reply.redirect(urls.newFamilyCheck(), 303);
  });

  app.get(paths.newFamilyCheck, { config: { access: writers } }, async (request, reply) => {
    const state = journey(request);
    if (!state.household) return reply.redirect(urls.newFamilyHousehold());
    const { districts } = await families.referenceData();
    const district = districts.find((d) => d.id === state.household!.districtId)?.name ?? 'Not given';
    return formPage(services, request, reply, 'families/views/check-answers.njk', { pageTitle: 'Check the family’s details before adding them', household: state.household, district, members: state.members });
  });

  app.post(paths.newFamilyCheck, { config: { access: writers } }, async (request, reply) => {
    const state = journey(request);
    if (!state.household) return reply.redirect(urls.newFamilyHousehold(), 303);
    try {
      const created = await families.createFamily(request.actor!, { family: state.household, members: state.members.map(({ id: _id, ...m }) => m) });
      await setSessionValue(services, request, 'newFamily', undefined);
      return reply.redirect(`${urls.family(created.id)}?saved=created`, 303);
    } catch (error) {
      if (error instanceof ValidationError) return redirectWithErrors(services, request, reply, urls.newFamilyCheck(), { errors: error.fieldErrors, values: {} });
      throw error;
    }
  });
}
