import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { chronologyEntryTypes, chronologyQuery, chronologyTypeLabels, parseChronologyFilters } from '../../domain/casework/chronology.ts';
import { contactTypeLabels, contactTypes } from '../../domain/casework/intensity.ts';
import { letterRecipients, type LetterRecipient } from '../../domain/casework/letters.ts';
import { ConflictError, RuleViolation, ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { formatDate } from '../../domain/dates.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, takeFormState } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { chronologyEntryFromForm, contactFromForm, fieldAnchors, fieldOrder, letterFromForm } from './forms.ts';
import { contactApi, sendLetter } from './api.ts';
import { letterFormats } from './letters.ts';
import { chronologyEntrySchema, contactSchemaOn } from './schemas.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const writers = rolesWith('casework.write');
type CaseParams = { caseId: string };
type ContactParams = { caseId: string; contactId: string };
type LetterParams = { caseId: string; letterId: string };
type FamilyParams = { familyId: string };

/** What a schema says is wrong with the input, for the fields other than a date the boxes could not make sense of. */
function schemaErrors(schema: ZodType, input: unknown): FieldErrors {
  const result = schema.safeParse(input);
  if (result.success) return {};
  const errors = fieldErrors(result.error);
  delete errors.date;
  delete errors.occurredOn;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.replace(/\.\d+$/, ''), v]));
}

/** Runs a save; invalid input, a stale save or a refusal by the case's rules sends the user back to the form with the message and their answers. */
async function saveOrReturn(services: Services, request: FastifyRequest, reply: FastifyReply, options: {
  back: string; values: Record<string, unknown>; formErrors?: FieldErrors; save: () => Promise<string>;
}) {
  let then: string;
  try {
    then = await options.save();
  } catch (error) {
    const errors = error instanceof ValidationError ? { ...error.fieldErrors, ...options.formErrors }
      : error instanceof ConflictError || error instanceof RuleViolation ? { form: error.message } : null;
    if (!errors) throw error;
    return redirectWithErrors(services, request, reply, options.back, { errors, values: options.values });
  }
  return reply.redirect(then, 303);
}

async function formState(services: Services, request: FastifyRequest, order: readonly string[], saved: Record<string, unknown> = {}) {
  const state = await takeFormState(services, request);
  return {
    errors: state?.errors ?? {},
    errorList: state ? errorList(state.errors, fieldAnchors, order) : [],
    values: state?.values ?? saved,
  };
}

/** The case pages' shared navigation. */
function caseNav(caseId: string, familyId: string, current: 'contacts' | 'letters') {
  return [
    { href: urls.case(caseId), text: 'Case', current: false },
    { href: urls.contacts(caseId), text: 'Contacts', current: current === 'contacts' },
    { href: urls.letters(caseId), text: 'Letters', current: current === 'letters' },
    { href: urls.chronology(familyId), text: 'Family chronology', current: false },
  ];
}

export async function contactPages(app: FastifyInstance, { services }: { services: Services }) {
  const { contacts } = services;

  // Contacts and intensity
  app.get<{ Params: CaseParams }>(paths.contacts, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await contacts.contacts(request.actor!, request.params.caseId);
    const query = request.query as Record<string, string>;
    const saved = query.saved && view.contacts.find((c) => c.id === query.saved);
    return reply.view('contacts/views/contacts.njk', {
      pageTitle: `Contacts: ${view.case.familyName} family (${view.case.reference})`, ...view, saved, nav: caseNav(view.case.id, view.case.familyId, 'contacts'),
    });
  });

  app.get<{ Params: CaseParams }>(paths.newContact, { config: { access: writers } }, async (request, reply) => {
    const view = await contacts.contactForm(request.actor!, request.params.caseId);
    return reply.view('contacts/views/contact-form.njk', {
      pageTitle: 'Record a contact', ...view, contactTypes: contactTypes.map((t) => ({ value: t, text: contactTypeLabels[t] })),
      back: urls.contacts(view.case.id), action: urls.newContact(view.case.id),
      ...(await formState(services, request, fieldOrder.contact, { outOfHours: 'rule', present: [] })),
    });
  });

  app.post<{ Params: CaseParams }>(paths.newContact, { config: { access: writers } }, async (request, reply) => {
    const { caseId } = request.params;
    const form = contactFromForm(request.body as Record<string, unknown>);
    return saveOrReturn(services, request, reply, {
      back: urls.newContact(caseId), values: form.values, formErrors: form.errors,
      save: async () => {
        // The date boxes made no sense: still check everything else, so every problem shows at once.
        if (Object.keys(form.errors).length) throw new ValidationError({ ...schemaErrors(contactSchemaOn(services.clock.today()), { ...form.input, date: undefined }), ...form.errors });
        const saved = await contacts.recordContact(request.actor!, caseId, form.input);
        return `${urls.contacts(caseId)}?saved=${saved.id}`;
      },
    });
  });

  app.get<{ Params: ContactParams }>(paths.contact, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await contacts.contact(request.actor!, request.params.caseId, request.params.contactId);
    return reply.view('contacts/views/contact.njk', {
      pageTitle: `${view.contact.typeLabel} on ${formatDate(view.contact.date)}`, ...view, nav: caseNav(view.case.id, view.case.familyId, 'contacts'),
    });
  });

  // Progress letters
  for (const recipient of letterRecipients) {
    const path = recipient === 'family' ? paths.familyLetter : paths.referrerLetter;
    const url = (caseId: string, contactId: string) => (recipient === 'family' ? urls.familyLetter(caseId, contactId) : urls.referrerLetter(caseId, contactId));

    app.get<{ Params: ContactParams }>(path, { config: { access: writers } }, async (request, reply) => {
      const { caseId, contactId } = request.params;
      const view = await contacts.letterDraft(request.actor!, caseId, contactId, recipient as LetterRecipient);
      return reply.view('contacts/views/letter-form.njk', {
        pageTitle: recipient === 'family' ? 'Progress letter to the family' : 'Progress letter to the referrer', ...view, recipient,
        back: urls.contact(caseId, contactId), action: url(caseId, contactId),
        ...(await formState(services, request, fieldOrder.letter, { ...view.draft })),
      });
    });

    app.post<{ Params: ContactParams }>(path, { config: { access: writers } }, async (request, reply) => {
      const { caseId, contactId } = request.params;
      const body = request.body as Record<string, unknown>;
      return saveOrReturn(services, request, reply, {
        back: url(caseId, contactId), values: body,
        save: async () => {
          const saved = await contacts.saveLetter(request.actor!, caseId, letterFromForm(body, contactId, recipient));
          return `${urls.letter(caseId, saved.id)}?saved=1`;
        },
      });
    });
  }

  app.get<{ Params: CaseParams }>(paths.letters, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await contacts.letters(request.actor!, request.params.caseId);
    return reply.view('contacts/views/letters.njk', {
      pageTitle: `Letters: ${view.case.familyName} family (${view.case.reference})`, ...view, nav: caseNav(view.case.id, view.case.familyId, 'letters'),
    });
  });

  app.get<{ Params: LetterParams }>(paths.letter, { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await contacts.letter(request.actor!, request.params.caseId, request.params.letterId);
    return reply.view('contacts/views/letter.njk', {
      pageTitle: `Letter to ${view.letter.recipientName}, ${formatDate(view.letter.letterDate)}`, ...view, saved: (request.query as Record<string, string>).saved,
      nav: caseNav(view.case.id, view.case.familyId, 'letters'),
    });
  });

  for (const format of letterFormats) {
    app.get<{ Params: LetterParams }>(format === 'pdf' ? paths.letterPdf : paths.letterDocx, { config: { access: 'signed-in' } }, async (request, reply) =>
      sendLetter(reply, await contacts.letterFile(request.actor!, request.params.caseId, request.params.letterId, format)));
  }

  // The family chronology
  app.get<{ Params: FamilyParams }>(paths.chronology, { config: { access: 'signed-in' } }, async (request, reply) => {
    const filters = parseChronologyFilters(request.query as Record<string, unknown>);
    const view = await contacts.chronology(request.actor!, request.params.familyId, filters);
    return reply.view('contacts/views/chronology.njk', {
      pageTitle: `Family chronology: ${view.family.familyName} family (${view.family.reference})`, ...view, typeLabels: chronologyTypeLabels,
      query: chronologyQuery(view.filters), saved: (request.query as Record<string, string>).saved,
    });
  });

  app.get<{ Params: FamilyParams }>(paths.chronologyPrint, { config: { access: 'signed-in' } }, async (request, reply) => {
    const filters = parseChronologyFilters(request.query as Record<string, unknown>);
    const view = await contacts.chronology(request.actor!, request.params.familyId, filters);
    const memberNames = view.options.members.filter((m) => view.filters.members.includes(m.value)).map((m) => m.text);
    return reply.view('contacts/views/chronology-print.njk', {
      pageTitle: `Family chronology: ${view.family.familyName} family (${view.family.reference})`, ...view, typeLabels: chronologyTypeLabels,
      query: chronologyQuery(view.filters), memberNames, printedOn: formatDate(view.asOf),
    });
  });

  app.get<{ Params: FamilyParams }>(paths.newChronologyEntry, { config: { access: writers } }, async (request, reply) => {
    const view = await contacts.chronologyEntryForm(request.actor!, request.params.familyId);
    return reply.view('contacts/views/chronology-entry-form.njk', {
      pageTitle: 'Add a significant event to the chronology', ...view, back: urls.chronology(view.family.id), action: urls.newChronologyEntry(view.family.id),
      types: chronologyEntryTypes.map((t) => ({ value: t, text: chronologyTypeLabels[t] })),
      ...(await formState(services, request, fieldOrder.chronologyEntry, { agencyId: request.actor!.agencyId, personId: 'family' })),
    });
  });

  app.post<{ Params: FamilyParams }>(paths.newChronologyEntry, { config: { access: writers } }, async (request, reply) => {
    const { familyId } = request.params;
    const body = request.body as Record<string, unknown>;
    const form = chronologyEntryFromForm(body);
    return saveOrReturn(services, request, reply, {
      back: urls.newChronologyEntry(familyId), values: body, formErrors: form.errors,
      save: async () => {
        if (Object.keys(form.errors).length) throw new ValidationError({ ...schemaErrors(chronologyEntrySchema, { ...form.input, occurredOn: undefined }), ...form.errors });
        await contacts.addChronologyEntry(request.actor!, familyId, form.input);
        return `${urls.chronology(familyId)}?saved=entry`;
      },
    });
  });
}

/** Every contacts route: the pages and the API. */
export async function contactRoutes(app: FastifyInstance, options: { services: Services }) {
  await contactPages(app, options);
  await contactApi(app, options);
}
