import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDate } from '../../domain/dates.ts';
import { dayCodes, dayLabels, serviceEditFieldOrder } from '../../domain/directory/editor.ts';
import { categories, categoryByCode } from '../../domain/directory/taxonomy.ts';
import { ValidationError } from '../../domain/errors.ts';
import { formVersion } from '../../domain/input.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, setSessionValue, takeFormState, text } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';

type Body = Record<string, unknown>;
const staff = { config: { access: 'signed-in' as const } };
const caseWorkers = { config: { access: ['practitioner', 'manager'] as const } };
const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name];

/** The directory's staff pages and API (issue 17): editors' list and forms, and signposting from a case. */
export async function directoryStaffRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const editor = services.directoryStaff;

  async function notice(request: FastifyRequest, value: string | null) {
    await setSessionValue(services, request, 'directoryNotice', value);
  }
  async function takeNotice(request: FastifyRequest) {
    const value = (request.session?.data.directoryNotice as string | null | undefined) ?? null;
    if (value) await notice(request, null);
    return value;
  }

  /** Runs a change; bad input goes back to the form with the error summary and the answers. */
  async function submit(request: FastifyRequest, reply: FastifyReply, back: string, work: (body: Body) => Promise<string>) {
    const body = (request.body ?? {}) as Body;
    try {
      return reply.redirect(await work(body), 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { _csrf, ...values } = body;
      return redirectWithErrors(services, request, reply, back, { errors: error.fieldErrors, values });
    }
  }

  const formBody = (body: Body) => ({ ...body, version: formVersion(text(body, 'version')) });

  async function editorForm(request: FastifyRequest, reply: FastifyReply, context: Body, saved: Body) {
    const state = await takeFormState(services, request);
    const values = state?.values ?? saved;
    const chosen = [values.categories ?? []].flat();
    const days = [values.days ?? []].flat();
    return reply.view('directory/views/editor-form.njk', {
      ...context, values, errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, { categories: 'categories', days: 'days' }, serviceEditFieldOrder) : [],
      categoryItems: categories.map((c) => ({ value: c.code, text: c.name, checked: chosen.includes(c.code) })),
      dayItems: dayCodes.map((d) => ({ value: d, text: dayLabels[d], checked: days.includes(d) })),
    });
  }

  app.get(paths.directoryEditor, staff, async (request, reply) => {
    const page = Math.max(1, Math.min(10_000, Number(text(request.query as Body, 'page')) || 1));
    const view = await editor.list(request.actor!, page);
    const today = services.clock.today();
    return reply.view('directory/views/editor-list.njk', {
      pageTitle: 'Service directory: services', ...view, today, notice: await takeNotice(request),
      rows: view.services.map((s) => ({ ...s, checked: s.assured_date ? formatDate(s.assured_date) : 'Never' })),
      nextPage: page * 100 < view.total ? urls.directoryEditor(page + 1) : null, previousPage: page > 1 ? urls.directoryEditor(page - 1) : null,
    });
  });

  app.get(paths.directoryEditorNew, staff, async (request, reply) => {
    await editor.list(request.actor!, 1); // the permission check (audited) before showing the form
    return editorForm(request, reply, { pageTitle: 'Add a service', action: urls.directoryEditorNew(), isNew: true }, { cost: 'free' });
  });

  app.post(paths.directoryEditorNew, staff, async (request, reply) => submit(request, reply, urls.directoryEditorNew(), async (body) => {
    const { id } = await editor.create(request.actor!, body);
    await notice(request, `${text(body, 'name')} was added to the directory`);
    return urls.directoryEditorService(id);
  }));

  app.get(paths.directoryEditorService, staff, async (request, reply) => {
    const view = await editor.editForm(request.actor!, param(request, 'serviceId'));
    return editorForm(request, reply, {
      pageTitle: `Change ${String((view.values as Record<string, unknown>).name)}`, action: urls.directoryEditorService(view.id), isNew: false, service: view,
      checkedOn: view.checkedOn ? formatDate(view.checkedOn) : 'never', retireAction: urls.directoryEditorRetire(view.id), checkedAction: urls.directoryEditorChecked(view.id),
      publicUrl: urls.directoryService(view.id), notice: await takeNotice(request),
    }, view.values);
  });

  app.post(paths.directoryEditorService, staff, async (request, reply) => {
    const id = param(request, 'serviceId');
    return submit(request, reply, urls.directoryEditorService(id), async (body) => {
      await editor.update(request.actor!, id, formBody(body));
      await notice(request, `Your changes to ${text(body, 'name')} were saved`);
      return urls.directoryEditorService(id);
    });
  });

  app.post(paths.directoryEditorRetire, staff, async (request, reply) => {
    const id = param(request, 'serviceId');
    return submit(request, reply, urls.directoryEditorService(id), async (body) => {
      const { name } = await editor.retire(request.actor!, id, formBody(body));
      await notice(request, `${name} was retired: families no longer find it`);
      return urls.directoryEditor();
    });
  });

  app.post(paths.directoryEditorChecked, staff, async (request, reply) => {
    const id = param(request, 'serviceId');
    return submit(request, reply, urls.directoryEditorService(id), async (body) => {
      const { name, checkedOn } = await editor.markChecked(request.actor!, id, formBody(body));
      await notice(request, `${name} was marked as checked on ${formatDate(checkedOn)}`);
      return urls.directoryEditor();
    });
  });

  // On a case: search the directory, then signpost or refer the family.
  app.get(paths.caseServices, caseWorkers, async (request, reply) => {
    const query = request.query as Body;
    const category = text(query, 'category');
    const view = await editor.caseServices(request.actor!, param(request, 'caseId'), { text: text(query, 'search').slice(0, 100), category: categoryByCode(category)?.id ?? null });
    const state = await takeFormState(services, request);
    return reply.view('directory/views/case-services.njk', {
      pageTitle: `Services for the ${view.case.familyName} family`, ...view, search: text(query, 'search').slice(0, 100), category,
      categoryItems: [{ value: '', text: 'Any kind of help' }, ...categories.map((c) => ({ value: c.code, text: c.name, selected: c.code === category }))],
      values: state?.values ?? {}, errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, { serviceId: 'serviceId' }, ['serviceId', 'kind', 'note']) : [],
      notice: await takeNotice(request), action: urls.caseServices(view.case.id), caseUrl: urls.case(view.case.id),
    });
  });

  app.post(paths.caseServices, caseWorkers, async (request, reply) => {
    const caseId = param(request, 'caseId');
    return submit(request, reply, urls.caseServices(caseId), async (body) => {
      const saved = await editor.addCaseService(request.actor!, caseId, { serviceId: text(body, 'serviceId') || undefined, kind: text(body, 'kind') || undefined, note: text(body, 'note') });
      await notice(request, `${text(body, 'kind') === 'referral' ? 'Referral to' : 'Signposting to'} ${saved.serviceName} recorded on the case and in the chronology`);
      return urls.caseServices(caseId);
    });
  });

  // JSON API: the same use cases.
  const api = paths.api;
  const json = (value: unknown): Body => {
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Body;
    throw new ValidationError({ body: 'Send a JSON object' });
  };
  app.get(api.directoryServices, staff, async (request) => {
    const page = Math.max(1, Math.min(10_000, Number(text(request.query as Body, 'page')) || 1));
    const view = await editor.list(request.actor!, page);
    return { total: view.total, stale: view.stale, page, services: view.services.map(({ total: _t, ...s }) => s) };
  });
  app.post(api.directoryServices, staff, async (request, reply) => reply.code(201).send(await editor.create(request.actor!, json(request.body))));
  app.get(api.directoryService, staff, async (request) => {
    const view = await editor.editForm(request.actor!, param(request, 'serviceId'));
    return { id: view.id, status: view.status, checkedOn: view.checkedOn, stale: view.stale, ...view.values, version: view.version };
  });
  app.put(api.directoryService, staff, async (request) => editor.update(request.actor!, param(request, 'serviceId'), json(request.body)));
  app.post(api.directoryServiceRetire, staff, async (request) => editor.retire(request.actor!, param(request, 'serviceId'), json(request.body)));
  app.post(api.directoryServiceChecked, staff, async (request) => editor.markChecked(request.actor!, param(request, 'serviceId'), json(request.body)));
  app.get(api.caseServices, caseWorkers, async (request) => {
    const query = request.query as Body;
    const view = await editor.caseServices(request.actor!, param(request, 'caseId'), { text: text(query, 'search').slice(0, 100), category: categoryByCode(text(query, 'category'))?.id ?? null });
    return { services: view.linked, results: view.results };
  });
  app.post(api.caseServices, caseWorkers, async (request, reply) => reply.code(201).send(await editor.addCaseService(request.actor!, param(request, 'caseId'), json(request.body))));
}
