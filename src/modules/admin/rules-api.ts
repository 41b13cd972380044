import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { outcomeAreas } from '../../domain/casework/outcome-areas.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, setSessionValue, takeFormState, withFormFields } from '../../web/forms.ts';
import { rulesApiPaths as api } from '../../web/rules-urls.ts';
import { paths, urls } from '../../web/urls.ts';
import { rulesVersion } from './level-rules-form.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import {
  claimAreaRows, claimFieldOrder, claimRulesJsonFromForm, claimRulesToForm, comparisonOptions, fingerprint, identificationFieldOrder, identificationRulesJsonFromForm, identificationRulesToForm, measureOptions, problemOptions, sustainedOptions,
} from './rule-forms.ts';

const admins = { config: { access: rolesWith('admin.manage') } };
type Body = Record<string, unknown>;

function jsonBody(value: unknown): Body {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Body;
  throw new ValidationError({ body: 'Send a JSON object' });
}

/** The identification and claim rules as plain forms, and the rules through the JSON API: the same checks, locking and audit. */
export async function rulesApi(app: FastifyInstance, { services }: { services: Services }) {
  const admin = services.admin;
  const rules = services.rulesAdmin;

  // The level of need rules (their form is in routes.ts).
  app.get(api.levelOfNeedRules, admins, async (request) => {
    const current = await admin.levelRules(request.actor);
    return { ...current, version: rulesVersion(current) };
  });
  app.put(api.levelOfNeedRules, admins, async (request) => {
    const saved = await admin.putLevelRules(request.actor, jsonBody(request.body));
    return { ...saved, version: rulesVersion(saved) };
  });

  app.get(api.identificationRules, admins, async (request) => {
    const current = await rules.identificationRules(request.actor!);
    return { ...current, version: fingerprint(current) };
  });
  app.put(api.identificationRules, admins, async (request) => {
    const saved = await rules.putIdentificationRules(request.actor!, jsonBody(request.body));
    return { ...saved, version: fingerprint(saved) };
  });

  async function takeNotice(request: FastifyRequest): Promise<string | null> {
    const text = (request.session?.data.adminNotice as string | null | undefined) ?? null;
    if (text) await setSessionValue(services, request, 'adminNotice', null);
    return text;
  }

  async function submit(request: FastifyRequest, reply: FastifyReply, back: string, work: (body: Body) => Promise<string>) {
    const body = (request.body ?? {}) as Body;
    try {
      const message = await work(body);
      await setSessionValue(services, request, 'adminNotice', message);
      return reply.redirect(back, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { _csrf, ...values } = body;
      return redirectWithErrors(services, request, reply, back, { errors: error.fieldErrors, values });
    }
  }

  app.get(paths.adminIdentificationRules, admins, async (request, reply) => {
    const state = await takeFormState(services, request);
    return reply.view('admin/views/identification-rules.njk', {
      pageTitle: 'Identification rules', problemOptions, notice: await takeNotice(request),
      values: state?.values ?? identificationRulesToForm(await rules.identificationRules(request.actor!)),
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, { problems: 'problems', requireChildren: 'requireChildren' }, identificationFieldOrder) : [],
    });
  });
  app.post(paths.adminIdentificationRules, admins, async (request, reply) => submit(request, reply, urls.adminIdentificationRules(), async (body) => {
    const form = identificationRulesJsonFromForm(body);
    await withFormFields(() => rules.putIdentificationRules(request.actor!, form.input), form.field);
    return 'Identification rules saved. They apply from the next matching run.';
  }));

  app.get(paths.adminClaimRules, admins, async (request, reply) => {
    const state = await takeFormState(services, request);
    const values = state?.values ?? claimRulesToForm(await rules.claimRules(request.actor!));
    return reply.view('admin/views/claim-rules.njk', {
      pageTitle: 'Claim rules', measureOptions, comparisonOptions, sustainedOptions, notice: await takeNotice(request), values,
      areas: claimAreaRows(values),
      errors: state?.errors ?? {},
      errorList: state ? errorList(state.errors, Object.fromEntries(outcomeAreas.map((a) => [`sustained-${a.key}`, `sustained-${a.key}`])), claimFieldOrder(values)) : [],
    });
  });
  app.post(paths.adminClaimRules, admins, async (request, reply) => submit(request, reply, urls.adminClaimRules(), async (body) => {
    const form = claimRulesJsonFromForm(body);
    await withFormFields(() => rules.setClaimRules(request.actor!, { rules: form.rules, version: body.version }), form.field);
    return 'Claim rules saved. The claims page uses them now.';
  }));
}
