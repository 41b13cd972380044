import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rolesWith } from '../../domain/access/policy.ts';
import { formatDate } from '../../domain/dates.ts';
import { editorDayLabels, editorDays, editorFields } from '../../domain/directory/editor.ts';
import { categories } from '../../domain/directory/taxonomy.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, setSessionValue, takeFormState } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';

const editors = { config: { access: rolesWith('directory.edit') } };
type Body = Record<string, unknown>;

/** The staff side of the service directory: directory editors add, change and retire services. */
export async function directoryEditorRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { directory } = services;
  const serviceId = (request: FastifyRequest) => (request.params as { serviceId: string }).serviceId;

  async function notice(request: FastifyRequest, text: string | null) {
    await setSessionValue(services, request, 'directoryNotice', text);
  }
  async function takeNotice(request: FastifyRequest): Promise<string | null> {
    const text = (request.session?.data.directoryNotice as string | null | undefined) ?? null;
    if (text) await notice(request, null);
    return text;
  }

  async function form(request: FastifyRequest, reply: FastifyReply, context: Body, saved: Body) {
    const state = await takeFormState(services, request);
    const values = state?.values ?? saved;
    const days = [values.days ?? []].flat();
    return reply.view('directory/views/editor-form.njk', {
      ...context,
      errors: state?.errors ?? {},
      errorList: state ? errorList(state.errors, {}, [...editorFields]) : [],
      values,
      categoryItems: [{ value: '', text: 'Choose the kind of help' }, ...categories.map((c) => ({ value: c.code, text: c.name, selected: values.category === c.code }))],
      dayItems: editorDays.map((d) => ({ value: d, text: editorDayLabels[d], checked: days.includes(d) })),
    });
  }

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

  app.get(paths.directoryEditor, editors, async (request, reply) => {
    const rows = await directory.editorList(request.actor);
    return reply.view('directory/views/editor-list.njk', {
      pageTitle: 'Service directory', notice: await takeNotice(request),
      rows: rows.map((r) => ({ ...r, checkedText: r.checked ? formatDate(r.checked) : 'Never' })), staleCount: rows.filter((r) => r.stale && r.status !== 'defunct').length,
    });
  });

  app.get(paths.directoryEditorNew, editors, async (request, reply) => {
    await directory.editorList(request.actor);
    return form(request, reply, { pageTitle: 'Add a service', action: urls.directoryEditorNew(), editing: false }, { version: '0' });
  });
  app.post(paths.directoryEditorNew, editors, async (request, reply) => submit(request, reply, urls.directoryEditorNew(), async (body) => {
    await directory.createEntry(request.actor, body);
    await notice(request, 'Service added to the directory');
    return urls.directoryEditor();
  }));

  app.get(paths.directoryEditorService, editors, async (request, reply) => {
    const id = serviceId(request);
    const entry = await directory.editorEntry(request.actor, id);
    return form(request, reply, {
      pageTitle: `Change service: ${entry.name}`, action: urls.directoryEditorService(id), retireAction: urls.directoryEditorRetire(id), editing: true,
      retired: entry.status === 'defunct', stale: entry.stale, checked: entry.checked ? formatDate(entry.checked) : 'never', publicUrl: urls.directoryService(id),
    }, entry.values);
  });
  app.post(paths.directoryEditorService, editors, async (request, reply) => {
    const id = serviceId(request);
    return submit(request, reply, urls.directoryEditorService(id), async (body) => {
      await directory.updateEntry(request.actor, id, body);
      await notice(request, 'Changes saved. The details are marked as checked today');
      return urls.directoryEditor();
    });
  });
  app.post(paths.directoryEditorRetire, editors, async (request, reply) => {
    const id = serviceId(request);
    return submit(request, reply, urls.directoryEditorService(id), async (body) => {
      await directory.retireEntry(request.actor, id, body);
      await notice(request, 'Service retired: it no longer appears in the public directory');
      return urls.directoryEditor();
    });
  });
}

/** On a case: the directory services the family was signposted or referred to, and signposting another. */
export async function caseSignpostRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { signposting } = services;
  const caseWorkers = { config: { access: rolesWith('casework.write') } };
  const caseId = (request: FastifyRequest) => (request.params as { caseId: string }).caseId;

  app.get(paths.caseServices, caseWorkers, async (request, reply) => {
    const id = caseId(request);
    const view = await signposting.caseSignposts(request.actor!, id);
    const state = await takeFormState(services, request);
    const values = state?.values ?? { kind: 'signposted' };
    return reply.view('directory/views/case-services.njk', {
      pageTitle: `Services for the ${view.case.familyName} family`, ...view, action: urls.caseServices(id), saved: (request.query as Record<string, unknown>).saved === 'yes',
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, {}, ['serviceId', 'kind', 'note', 'inLetter']) : [], values,
      serviceItems: [{ value: '', text: 'Choose a service' }, ...view.choices.map((c) => ({
        value: c.id, text: c.organisation && c.organisation !== c.name ? `${c.name} (${c.organisation})` : c.name, selected: values.serviceId === c.id,
      }))],
      rows: view.signposts.map((s) => ({
        name: s.name, organisation: s.organisation ?? '', kind: s.kind === 'referred' ? 'Referred' : 'Signposted', note: s.note, inLetter: s.in_letter,
        retired: s.status !== 'active', on: formatDate(s.recorded_at.toISOString().slice(0, 10)), by: s.recorded_by_name, publicUrl: urls.directoryService(s.service_id),
      })),
    });
  });

  app.post(paths.caseServices, caseWorkers, async (request, reply) => {
    const id = caseId(request);
    const body = (request.body ?? {}) as Body;
    try {
      await signposting.signpost(request.actor!, id, body);
      return reply.redirect(`${urls.caseServices(id)}?saved=yes`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { _csrf, ...values } = body;
      return redirectWithErrors(services, request, reply, urls.caseServices(id), { errors: error.fieldErrors, values });
    }
  });
}
