import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { agencyKinds, agencyKindLabels } from '../../domain/codes.ts';
import { dataCategories, dataCategoryLabels, sensitiveCategories } from '../../domain/access/categories.ts';
import { ConflictError, ValidationError, fieldErrors, type FieldErrors } from '../../domain/errors.ts';
import { consentSchemaOn } from './service.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import type { Services } from '../../services.ts';
import { dateFromParts, errorList, redirectWithErrors, setSessionValue, takeFormState, text } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';

type Body = Record<string, unknown>;
type Params = { familyId: string; consentId: string };
// The roles the one policy gives each feature; which families, and which consents, the use cases decide.
const writers = rolesWith('casework.write');
const readers = rolesWith('families.hold');
const admins = rolesWith('admin.manage');

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' && value ? [value] : []);
const consentOrder = ['basis', 'personId', 'agencyKinds', 'categories', 'givenOn', 'reason', 'form'];

function body(value: unknown): Body {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Body;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** Sharing rules (administrators) and a family's consents: pages and the JSON API. */
export async function needToKnowRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const ntk = services.needToKnow;

  async function back(request: FastifyRequest, reply: FastifyReply, to: string, errors: FieldErrors, values: Body) {
    const { _csrf, ...kept } = values;
    return redirectWithErrors(services, request, reply, to, { errors, values: kept });
  }

  // A family's consents and Schedule 1 decisions.
  app.get<{ Params: Params }>(paths.familyConsents, { config: { access: readers } }, async (request, reply) => {
    const view = await ntk.consents(request.actor!, request.params.familyId);
    const state = await takeFormState(services, request);
    const notice = (request.session?.data.consentNotice as string | undefined) ?? null;
    if (notice) await setSessionValue(services, request, 'consentNotice', null);
    return reply.view('need-to-know/views/consents.njk', {
      pageTitle: `What the ${view.family.familyName} family agreed to share`, ...view, notice,
      agencyKindItems: agencyKinds.map((k) => ({ value: k, text: agencyKindLabels[k] })),
      categoryItems: dataCategories.map((c) => ({ value: c, text: dataCategoryLabels[c] })),
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, { givenOn: 'givenOn-day', basis: 'basis', personId: 'personId', agencyKinds: 'agencyKinds', categories: 'categories' }, consentOrder) : [],
      values: state?.values ?? {},
    });
  });

  app.post<{ Params: Params }>(paths.familyConsents, { config: { access: writers } }, async (request, reply) => {
    const { familyId } = request.params;
    const form = (request.body ?? {}) as Body;
    const date = dateFromParts(form, 'givenOn', 'The date');
    const input = {
      basis: text(form, 'basis') || undefined, personId: text(form, 'personId') || null, agencyKinds: list(form.agencyKinds), categories: list(form.categories),
      givenOn: date.value ?? '', reason: text(form, 'reason'),
    };
    // A date the boxes cannot make is not sent; the rest of the form is still checked, so every problem shows at once.
    const dateError = date.value ? null : date.error ?? 'Enter the date they agreed, or the date of the decision';
    try {
      if (dateError) {
        const checked = consentSchemaOn(services.clock.today()).safeParse({ ...input, givenOn: undefined });
        throw new ValidationError({ ...(checked.success ? {} : fieldErrors(checked.error)), givenOn: dateError });
      }
      await ntk.recordConsent(request.actor!, familyId, input);
    } catch (error) {
      if (error instanceof ValidationError) return back(request, reply, urls.familyConsents(familyId), error.fieldErrors, form);
      throw error;
    }
    await setSessionValue(services, request, 'consentNotice', input.basis === 'schedule1' ? 'Safeguarding decision recorded' : 'Consent recorded');
    return reply.redirect(urls.familyConsents(familyId), 303);
  });

  app.post<{ Params: Params }>(paths.withdrawConsent, { config: { access: writers } }, async (request, reply) => {
    const { familyId, consentId } = request.params;
    const form = (request.body ?? {}) as Body;
    try {
      await ntk.withdrawConsent(request.actor!, familyId, consentId, { version: text(form, 'version'), reason: text(form, 'reason') });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof ValidationError) {
        return back(request, reply, urls.familyConsents(familyId), { form: error instanceof ConflictError ? error.message : 'The consent could not be withdrawn. Try again.' }, {});
      }
      throw error;
    }
    await setSessionValue(services, request, 'consentNotice', 'Consent withdrawn. From now on, what it covered is no longer shared on its basis.');
    return reply.redirect(urls.familyConsents(familyId), 303);
  });

  app.get<{ Params: Params }>(paths.api.familyConsents, { config: { access: readers } }, async (request) => {
    const view = await ntk.consents(request.actor!, request.params.familyId);
    return { consents: view.consents };
  });

  app.post<{ Params: Params }>(paths.api.familyConsents, { config: { access: writers } }, async (request, reply) =>
    reply.code(201).send(await ntk.recordConsent(request.actor!, request.params.familyId, body(request.body))));

  app.post<{ Params: Params }>(paths.api.withdrawConsent, { config: { access: writers } }, async (request) =>
    ntk.withdrawConsent(request.actor!, request.params.familyId, request.params.consentId, body(request.body)));

  // Sharing rules: one form, one fieldset of checkboxes per kind of agency.
  app.get(paths.adminSharingRules, { config: { access: admins } }, async (request, reply) => {
    const current = await ntk.sharingRules(request.actor!);
    const state = await takeFormState(services, request);
    const notice = (request.session?.data.sharingNotice as string | undefined) ?? null;
    if (notice) await setSessionValue(services, request, 'sharingNotice', null);
    const values = state?.values ?? { version: String(current.version), ...Object.fromEntries(agencyKinds.map((k) => [k, [...current.rules[k]]])) };
    return reply.view('need-to-know/views/sharing-rules.njk', {
      pageTitle: 'Sharing rules: what each kind of agency may see', notice, values,
      kinds: agencyKinds.map((k) => ({
        kind: k, label: agencyKindLabels[k],
        items: dataCategories.map((c) => ({
          value: c, text: dataCategoryLabels[c], checked: list(values[k]).includes(c),
          hint: sensitiveCategories.includes(c) ? { text: c === 'offending' ? 'Criminal offence data' : 'Special category health data' } : undefined,
        })),
      })),
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, Object.fromEntries(agencyKinds.map((k) => [k, k]))) : [],
    });
  });

  app.post(paths.adminSharingRules, { config: { access: admins } }, async (request, reply) => {
    const form = (request.body ?? {}) as Body;
    const rules = Object.fromEntries(agencyKinds.map((k) => [k, list(form[k])]));
    try {
      await ntk.setSharingRules(request.actor!, { version: text(form, 'version'), rules });
    } catch (error) {
      if (error instanceof ValidationError || error instanceof ConflictError) {
        return back(request, reply, urls.adminSharingRules(), error instanceof ConflictError ? { form: error.message } : error.fieldErrors, form);
      }
      throw error;
    }
    await setSessionValue(services, request, 'sharingNotice', 'Sharing rules saved. They apply from the next page anyone opens.');
    return reply.redirect(urls.adminSharingRules(), 303);
  });

  app.get(paths.api.sharingRules, { config: { access: admins } }, async (request) => ntk.sharingRules(request.actor!));

  app.put(paths.api.sharingRules, { config: { access: admins } }, async (request) => ntk.setSharingRules(request.actor!, body(request.body)));
}
