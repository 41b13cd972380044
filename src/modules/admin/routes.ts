import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import { nameWithAgency } from '../../domain/names.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, setSessionValue, takeFormState, withFormFields } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { factorOptions, levelOfNeedRulesJsonFromForm, levelRulesFieldOrder, rulesToForm } from './level-rules-form.ts';
import { invitationDays } from './service.ts';
import { agencyKindOptions, roleOptions, ukDateTime, userRoleLabels, userStatus } from './present.ts';
import { rolesWith } from '../../domain/access/policy.ts';

const admins = { config: { access: rolesWith('admin.manage') } };
type Body = Record<string, unknown>;

const userFields = ['displayName', 'email', 'jobTitle', 'role', 'agencyId', 'teamId', 'managedTeamIds', 'frontDoorScreener', 'active', 'version'];
const programmeFields = ['name', 'description', 'durationWeeks', 'maxHoursPerWeek', 'minVisitsPerWeek', 'maxVisitsPerWeek', 'firstVisitHours',
  'reviewIntervalDays', 'caseloadLimit', 'followUpMonths', 'noContactAlertDays', 'safetyPlanAtStart', 'availability', 'active', 'version'];

export async function adminRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const admin = services.admin;

  /** A one-off message for the next page (the success banner), kept in the session. */
  async function notice(request: FastifyRequest, text: string | null) {
    await setSessionValue(services, request, 'adminNotice', text);
  }
  async function takeNotice(request: FastifyRequest): Promise<string | null> {
    const text = (request.session?.data.adminNotice as string | null | undefined) ?? null;
    if (text) await notice(request, null);
    return text;
  }

  /** Renders a form page with any stored errors and answers (post, redirect, get). */
  async function form(request: FastifyRequest, reply: FastifyReply, template: string, context: Body, saved: Body, order: string[]) {
    const state = await takeFormState(services, request);
    return reply.view(template, {
      ...context,
      errors: state?.errors ?? {},
      errorList: state ? errorList(state.errors, {}, order) : [],
      values: state?.values ?? saved,
      notice: await takeNotice(request),
    });
  }

  /** Runs a change; bad input goes back to the form with the error summary. */
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

  const id = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name];

  app.get(paths.admin, admins, async (_request, reply) => reply.view('admin/views/index.njk', { pageTitle: 'Administration' }));

  // Users
  async function userChoices(request: FastifyRequest) {
    const [agencies, teams] = await Promise.all([admin.agencies(request.actor), admin.teams(request.actor)]);
    return {
      roleOptions,
      agencyOptions: agencies.map((a) => ({ value: a.id, text: a.name })),
      teamOptions: teams.map((t) => ({ value: t.id, text: nameWithAgency(t.name, t.agency_name, 'brackets') })),
    };
  }

  app.get(paths.adminUsers, admins, async (request, reply) => {
    const users = (await admin.users(request.actor)).map((u) => ({
      ...u, roleLabel: userRoleLabels[u.role], status: userStatus(u), lastSignIn: u.last_sign_in_at ? ukDateTime(u.last_sign_in_at) : 'Never',
    }));
    return reply.view('admin/views/users.njk', { pageTitle: 'Users', users, notice: await takeNotice(request) });
  });

  app.get(paths.adminNewUser, admins, async (request, reply) =>
    form(request, reply, 'admin/views/user-form.njk', { pageTitle: 'Add a user', ...(await userChoices(request)), action: urls.adminNewUser() }, { role: 'practitioner' }, userFields));

  app.post(paths.adminNewUser, admins, async (request, reply) => submit(request, reply, urls.adminNewUser(), async (body) => {
    const { userId, invitation } = await admin.inviteUser(request.actor, body);
    await setSessionValue(services, request, 'invitationLink', { userId, link: invitationLink(request, invitation) });
    return urls.adminUserInvited(userId);
  }));

  app.get(paths.adminUserInvited, admins, async (request, reply) => {
    const userId = id(request, 'userId');
    const user = await admin.user(request.actor, userId);
    const stored = request.session?.data.invitationLink as { userId: string; link: string } | undefined;
    // The link is shown once: after this page only its hash remains.
    const link = stored?.userId === userId ? stored.link : null;
    if (stored) await setSessionValue(services, request, 'invitationLink', null);
    return reply.view('admin/views/invitation-link.njk', {
      pageTitle: `Invitation link for ${user.display_name}`, person: user, link, invitationDays, localPasswords: await services.sso.localPasswordsOn(),
    });
  });

  app.post(paths.adminUserReinvite, admins, async (request, reply) => {
    const userId = id(request, 'userId');
    return submit(request, reply, urls.adminUser(userId), async () => {
      const invitation = await admin.reinvite(request.actor, userId);
      await setSessionValue(services, request, 'invitationLink', { userId, link: invitationLink(request, invitation) });
      return urls.adminUserInvited(userId);
    });
  });

  app.get(paths.adminUser, admins, async (request, reply) => {
    const user = await admin.user(request.actor, id(request, 'userId'));
    const identities = (await services.sso.identities(request.actor!, user.id)).map((i) => ({
      ...i, linked: ukDateTime(i.linked_at), lastSignIn: i.last_sign_in_at ? ukDateTime(i.last_sign_in_at) : 'Not yet', unlink: urls.adminUserSsoUnlink(user.id, i.id),
    }));
    const saved = {
      displayName: user.display_name, email: user.email, jobTitle: user.job_title, role: user.role, agencyId: user.agency_id,
      teamId: user.team_id ?? '', managedTeamIds: user.managed_team_ids, frontDoorScreener: user.front_door_screener ? 'yes' : '', version: String(user.version),
    };
    return form(request, reply, 'admin/views/user.njk', {
      pageTitle: user.display_name, person: user, identities, localPasswords: await services.sso.localPasswordsOn(), sessionCount: await services.sessions.count(request.actor!, user.id), status: userStatus(user), lastSignIn: user.last_sign_in_at ? ukDateTime(user.last_sign_in_at) : 'Never',
      ...(await userChoices(request)), action: urls.adminUser(user.id),
    }, saved, userFields);
  });

  app.post(paths.adminUser, admins, async (request, reply) => {
    const userId = id(request, 'userId');
    return submit(request, reply, urls.adminUser(userId), async (body) => {
      await admin.updateUser(request.actor, userId, body);
      await notice(request, 'Changes saved');
      return urls.adminUser(userId);
    });
  });

  for (const active of [false, true]) {
    app.post(active ? paths.adminUserEnable : paths.adminUserDisable, admins, async (request, reply) => {
      const userId = id(request, 'userId');
      return submit(request, reply, urls.adminUser(userId), async (body) => {
        await admin.setUserActive(request.actor, userId, body, active);
        await notice(request, active ? 'Account enabled. Make a new invitation link if they need a password.' : 'Account disabled: they have been signed out and their API tokens no longer work.');
        return urls.adminUser(userId);
      });
    });
  }

  // Agencies, teams, districts and programmes: a list, an add form and an edit form each.
  const records = [
    {
      list: paths.adminAgencies, add: paths.adminNewAgency, edit: paths.adminAgency, param: 'agencyId', plural: 'Agencies', singular: 'agency',
      template: 'agency', fields: ['name', 'kind', 'version'],
      rows: (req: FastifyRequest) => admin.agencies(req.actor), one: (req: FastifyRequest, i: string) => admin.agency(req.actor, i),
      saved: (a: Awaited<ReturnType<typeof admin.agency>>) => ({ name: a.name, kind: a.kind, version: String(a.version) }),
      create: (r: FastifyRequest, b: Body) => admin.createAgency(r.actor, b), update: (r: FastifyRequest, i: string, b: Body) => admin.updateAgency(r.actor, i, b),
      choices: async (_request: FastifyRequest) => ({ agencyKindOptions }),
    },
    {
      list: paths.adminTeams, add: paths.adminNewTeam, edit: paths.adminTeam, param: 'teamId', plural: 'Teams', singular: 'team',
      template: 'team', fields: ['name', 'agencyId', 'version'],
      rows: (req: FastifyRequest) => admin.teams(req.actor), one: (req: FastifyRequest, i: string) => admin.team(req.actor, i),
      saved: (t: Awaited<ReturnType<typeof admin.team>>) => ({ name: t.name, agencyId: t.agency_id, version: String(t.version) }),
      create: (r: FastifyRequest, b: Body) => admin.createTeam(r.actor, b), update: (r: FastifyRequest, i: string, b: Body) => admin.updateTeam(r.actor, i, b),
      choices: async (request: FastifyRequest) => ({ agencyOptions: (await userChoices(request)).agencyOptions }),
    },
    {
      list: paths.adminDistricts, add: paths.adminNewDistrict, edit: paths.adminDistrict, param: 'districtId', plural: 'Districts', singular: 'district',
      template: 'district', fields: ['name', 'version'],
      rows: (req: FastifyRequest) => admin.districts(req.actor), one: (req: FastifyRequest, i: string) => admin.district(req.actor, i),
      saved: (d: Awaited<ReturnType<typeof admin.district>>) => ({ name: d.name, version: String(d.version) }),
      create: (r: FastifyRequest, b: Body) => admin.createDistrict(r.actor, b), update: (r: FastifyRequest, i: string, b: Body) => admin.updateDistrict(r.actor, i, b),
      choices: async (_request: FastifyRequest) => ({}),
    },
    {
      list: paths.adminProgrammes, add: paths.adminNewProgramme, edit: paths.adminProgramme, param: 'programmeId', plural: 'Programmes', singular: 'programme',
      template: 'programme', fields: programmeFields,
      rows: (req: FastifyRequest) => admin.programmes(req.actor), one: (req: FastifyRequest, i: string) => admin.programme(req.actor, i),
      saved: (p: Awaited<ReturnType<typeof admin.programme>>) => ({
        ...Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])),
        followUpMonths: p.followUpMonths.join(', '), safetyPlanAtStart: p.safetyPlanAtStart ? 'yes' : 'no', active: p.active ? 'yes' : 'no',
      }),
      create: (r: FastifyRequest, b: Body) => admin.createProgramme(r.actor, b), update: (r: FastifyRequest, i: string, b: Body) => admin.updateProgramme(r.actor, i, b),
      choices: async (_request: FastifyRequest) => ({}),
    },
  ];

  for (const r of records) {
    const edit = (recordId: string) => r.edit.replace(`:${r.param}`, recordId);
    app.get(r.list, admins, async (request, reply) =>
      reply.view(`admin/views/${r.plural.toLowerCase()}.njk`, { pageTitle: r.plural, rows: await r.rows(request), notice: await takeNotice(request), editUrl: edit }));
    app.get(r.add, admins, async (request, reply) =>
      form(request, reply, `admin/views/${r.template}-form.njk`, { pageTitle: `Add ${r.singular === 'agency' ? 'an' : 'a'} ${r.singular}`, action: r.add, ...(await r.choices(request)) },
        r.template === 'programme' ? { safetyPlanAtStart: 'no', active: 'yes', noContactAlertDays: '7' } : {}, r.fields));
    app.post(r.add, admins, async (request, reply) => submit(request, reply, r.add, async (body) => {
      await r.create(request, body);
      await notice(request, `${r.singular[0].toUpperCase()}${r.singular.slice(1)} added`);
      return r.list;
    }));
    app.get(r.edit, admins, async (request, reply) => {
      const record = await r.one(request, id(request, r.param));
      const saved = (r.saved as (x: typeof record) => Body)(record);
      return form(request, reply, `admin/views/${r.template}-form.njk`, { pageTitle: `Change ${r.singular}: ${record.name}`, action: edit(record.id), editing: true, ...(await r.choices(request)) }, saved, r.fields);
    });
    app.post(r.edit, admins, async (request, reply) => {
      const recordId = id(request, r.param);
      return submit(request, reply, edit(recordId), async (body) => {
        await r.update(request, recordId, body);
        await notice(request, 'Changes saved');
        return r.list;
      });
    });
  }

  // Level-of-need rules: one form for the whole set.
  app.get(paths.adminLevelRules, admins, async (request, reply) => {
    const saved = rulesToForm(await admin.levelRules(request.actor));
    const state = await takeFormState(services, request);
    const values = state?.values ?? saved;
    const count = (prefix: string, suffix: string) => Object.keys(values).filter((k) => k.startsWith(prefix) && k.endsWith(suffix)).length;
    const rows = { vulnerabilities: Math.max(count('v', 'key'), 1), bands: count('b', 'min') };
    return reply.view('admin/views/level-rules.njk', {
      pageTitle: 'Level of need rules', values, factorOptions, notice: await takeNotice(request),
      vulnerabilityRows: [...Array(rows.vulnerabilities).keys()], bandRows: [...Array(rows.bands).keys()],
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, Object.fromEntries([...Array(rows.vulnerabilities).keys()].map((i) => [`v${i}factors`, `v${i}factors`])), levelRulesFieldOrder(rows)) : [],
    });
  });

  app.post(paths.adminLevelRules, admins, async (request, reply) => submit(request, reply, urls.adminLevelRules(), async (body) => {
    const form = levelOfNeedRulesJsonFromForm(body, { vulnerabilities: Number(body.vulnerabilityRows) || 0, bands: Number(body.bandRows) || 0 });
    await withFormFields(() => admin.putLevelRules(request.actor, form.input), form.field);
    await notice(request, 'Level of need rules saved. They apply to the next referral screened and to every family page.');
    return urls.adminLevelRules();
  }));

  // The invitation link: public, because the person has no password yet; the link's secret is the key.
  app.get(paths.invitation, { config: { access: 'public' } }, async (request, reply) => {
    const invited = await admin.invitation(id(request, 'invitationId'));
    if (!invited) return reply.code(404).view('admin/views/invitation-expired.njk', { pageTitle: 'This invitation link does not work' });
    await app.ensureSession(request, reply);
    const state = await takeFormState(services, request);
    const invitationId = id(request, 'invitationId');
    // With Lantern passwords switched off the person links their organisation's account instead.
    const localPasswords = await services.sso.localPasswordsOn();
    return reply.view('admin/views/accept-invitation.njk', {
      pageTitle: localPasswords ? 'Set your password' : 'Sign in with your organisation’s account', invited, action: urls.invitation(invitationId), localPasswords,
      issuers: services.sso.issuers().map((i) => ({ ...i, href: urls.invitationSignIn(invitationId, i.id) })),
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, {}, ['sso', 'password', 'confirmPassword']) : [],
    });
  });

  app.post(paths.invitation, { config: { access: 'public' } }, async (request, reply) => {
    const invitationId = id(request, 'invitationId');
    const body = (request.body ?? {}) as Body;
    if (!(await services.sso.localPasswordsOn())) {
      return redirectWithErrors(services, request, reply, urls.invitation(invitationId), {
        errors: { sso: 'Lantern passwords are switched off for this partnership. Sign in with your organisation’s account to use this invitation.' }, values: {},
      });
    }
    try {
      await admin.acceptInvitation(invitationId, body, request.ip);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // Passwords are never replayed into the form.
      return redirectWithErrors(services, request, reply, urls.invitation(invitationId), { errors: error.fieldErrors, values: {} });
    }
    return reply.redirect(`${urls.signIn()}?next=${encodeURIComponent(urls.myFamilies())}`, 303);
  });
}

function invitationLink(request: FastifyRequest, token: string): string {
  return `${request.protocol}://${request.host}${urls.invitation(token)}`;
}
