import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, setSessionValue, takeFormState, text } from '../../web/forms.ts';
import { setSessionCookie } from '../../web/plugins/session.ts';
import { paths, safeReturnPath, urls } from '../../web/urls.ts';
import { roleOptions, ukDateTime } from '../admin/present.ts';
import type { SsoFlow } from './service.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import { count } from '../../domain/plural.ts';
import { nameWithAgency } from '../../domain/names.ts';

const admins = { config: { access: rolesWith('admin.manage') } };
type Body = Record<string, unknown>;

/**
 * Single sign-on through OpenID Connect issuers (authorization code flow with PKCE), the page for
 * people waiting for a role, re-authentication, and the administrators' pages for both.
 */
export async function ssoRoutes(app: FastifyInstance, { services, sessionHours }: { services: Services; sessionHours: number }) {
  const sso = services.sso;
  const query = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;

  async function sendToIssuer(request: FastifyRequest, reply: FastifyReply, issuerId: string, purpose: SsoFlow['purpose'], next: string, invitation?: string) {
    const label = sso.issuers().find((i) => i.id === issuerId)?.label;
    if (!label) return reply.code(404).view('errors/not-found.njk', { pageTitle: 'Page not found' });
    let started: Awaited<ReturnType<typeof sso.start>>;
    try {
      const subject = request.session?.data.ssoSubject;
      started = await sso.start(issuerId, purpose, next, purpose === 'reauth'
        ? { userId: request.user?.id, ...(typeof subject === 'string' ? { subject } : {}) } : { invitation });
    } catch (error) {
      request.log.warn({ issuer: issuerId, err: (error as Error).message }, 'single sign-on discovery failed');
      return reply.code(503).view('sso/views/refused.njk', { pageTitle: 'You cannot sign in just now', heading: 'You cannot sign in just now', message: `Lantern cannot reach ${label} just now. Try again in a few minutes.` });
    }
    await setSessionValue(services, request, 'ssoFlow', started.flow);
    return reply.redirect(started.url, 303);
  }

  app.get(paths.ssoSignIn, { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect(urls.myFamilies());
    await app.ensureSession(request, reply);
    return sendToIssuer(request, reply, text(query(request), 'issuer'), 'sign-in', safeReturnPath(query(request).next, ''));
  });

  // An invitation taken up through an issuer instead of a password: the account the person signs in with becomes theirs.
  app.get(paths.invitationSignIn, { config: { access: 'public' } }, async (request, reply) => {
    const invitation = (request.params as Record<string, string>).invitationId;
    if (!(await services.admin.invitation(invitation))) {
      return reply.code(404).view('admin/views/invitation-expired.njk', { pageTitle: 'This invitation link does not work' });
    }
    await app.ensureSession(request, reply);
    return sendToIssuer(request, reply, text(query(request), 'issuer'), 'invitation', '', invitation);
  });

  app.get(paths.ssoCallback, { config: { access: 'public' } }, async (request, reply) => {
    const session = request.session;
    const flow = session?.data.ssoFlow as SsoFlow | undefined;
    // One use: the state, nonce and verifier are gone whatever happens next.
    if (session && flow) await setSessionValue(services, request, 'ssoFlow', null);
    const outcome = await sso.finish(flow ?? undefined, sso.callbackUrl(request.url), { ip: request.ip, idHash: session?.idHash ?? null });
    switch (outcome.kind) {
      case 'signed-in':
        // A new session id at sign-in: a session planted before it is worthless.
        if (session) await services.access.discardSession(session.idHash);
        setSessionCookie(reply, outcome.sessionId, sessionHours);
        return reply.redirect(safeReturnPath(outcome.next, '') || urls.myFamilies(), 303);
      case 'reauthenticated':
        return reply.redirect(safeReturnPath(outcome.next), 303);
      case 'pending':
        await setSessionValue(services, request, 'ssoPending', outcome.pendingId);
        return reply.redirect(urls.ssoPending(), 303);
      default:
        return reply.code(403).view('sso/views/refused.njk', { pageTitle: 'You could not be signed in', heading: 'You could not be signed in', message: outcome.message });
    }
  });

  app.get(paths.ssoPending, { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect(urls.myFamilies());
    const pendingId = request.session?.data.ssoPending;
    if (typeof pendingId !== 'string') return reply.redirect(urls.signIn());
    const person = await sso.pendingPerson(pendingId);
    return reply.view('sso/views/pending.njk', { pageTitle: 'An administrator needs to give you a role', waiting: Boolean(person) });
  });

  app.get(paths.ssoReauth, { config: { access: 'signed-in' } }, async (request, reply) => {
    const returnTo = safeReturnPath(query(request).returnTo);
    const issuerId = request.session?.data.ssoIssuerId;
    if (typeof issuerId !== 'string') {
      return reply.code(400).view('sso/views/refused.njk', {
        pageTitle: 'You signed in with a password', heading: 'You signed in with a password',
        message: 'You did not sign in through your organisation’s account, so there is nowhere to send you to prove who you are again.',
      });
    }
    return sendToIssuer(request, reply, issuerId, 'reauth', returnTo);
  });

  // Administrators: how people sign in, and the people waiting for a role.
  app.get(paths.adminSignInSettings, admins, async (request, reply) => {
    const settings = await sso.signInSettings(request.actor!);
    const state = await takeFormState(services, request);
    const notice = (request.session?.data.adminNotice as string | null | undefined) ?? null;
    if (notice) await setSessionValue(services, request, 'adminNotice', null);
    return reply.view('sso/views/sign-in-settings.njk', {
      pageTitle: 'How people sign in', ...settings, notice,
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors) : [],
      values: state?.values ?? { localPasswords: settings.localPasswords ? 'on' : 'off' },
    });
  });

  app.post(paths.adminSignInSettings, admins, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    try {
      await sso.setLocalPasswords(request.actor!, body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return redirectWithErrors(services, request, reply, urls.adminSignInSettings(), { errors: error.fieldErrors, values: { localPasswords: text(body, 'localPasswords') } });
    }
    await setSessionValue(services, request, 'adminNotice', 'Sign-in settings saved');
    return reply.redirect(urls.adminSignInSettings(), 303);
  });

  // A person's link to an issuer's account, removed from their page in the admin area.
  app.post(paths.adminUserSsoUnlink, admins, async (request, reply) => {
    const { userId, ssoIdentityId } = request.params as Record<string, string>;
    const { issuerLabel, sessionsEnded } = await sso.unlink(request.actor!, userId, ssoIdentityId);
    await setSessionValue(services, request, 'adminNotice',
      `Unlinked their ${issuerLabel}${sessionsEnded ? `, and ended ${sessionsEnded === 1 ? 'the session' : `the ${count(sessionsEnded, 'session')}`} signed in with it` : ''}.`);
    return reply.redirect(urls.adminUser(userId), 303);
  });

  app.get(paths.adminPendingPeople, admins, async (request, reply) => {
    const people = (await sso.pendingPeople(request.actor!)).map((p) => ({ ...p, firstSeen: ukDateTime(p.first_seen_at), lastSeen: ukDateTime(p.last_seen_at) }));
    const notice = (request.session?.data.adminNotice as string | null | undefined) ?? null;
    if (notice) await setSessionValue(services, request, 'adminNotice', null);
    return reply.view('sso/views/pending-people.njk', { pageTitle: 'People waiting for access', people, notice });
  });

  const pendingId = (request: FastifyRequest) => (request.params as Record<string, string>).pendingPersonId;

  app.get(paths.adminPendingPerson, admins, async (request, reply) => {
    const person = await sso.pendingForAdmin(request.actor!, pendingId(request));
    const [agencies, teams] = await Promise.all([services.admin.agencies(request.actor), services.admin.teams(request.actor)]);
    const state = await takeFormState(services, request);
    return reply.view('sso/views/pending-person.njk', {
      pageTitle: `Give ${person.display_name || person.email || 'this person'} access`, person, firstSeen: ukDateTime(person.first_seen_at),
      roleOptions, agencyOptions: agencies.map((a) => ({ value: a.id, text: a.name })),
      teamOptions: teams.map((t) => ({ value: t.id, text: nameWithAgency(t.name, t.agency_name, 'brackets') })),
      errors: state?.errors ?? {}, errorList: state ? errorList(state.errors, {}, ['displayName', 'email', 'jobTitle', 'role', 'agencyId', 'teamId', 'managedTeamIds']) : [],
      values: state?.values ?? { displayName: person.display_name, email: person.email, role: 'practitioner' },
    });
  });

  app.post(paths.adminPendingPerson, admins, async (request, reply) => {
    const id = pendingId(request);
    const body = (request.body ?? {}) as Body;
    try {
      const userId = await sso.approve(request.actor!, id, body);
      await setSessionValue(services, request, 'adminNotice', `${text(body, 'displayName')} can now sign in and use Lantern`);
      return reply.redirect(urls.adminUser(userId), 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { _csrf, ...values } = body;
      return redirectWithErrors(services, request, reply, urls.adminPendingPerson(id), { errors: error.fieldErrors, values });
    }
  });

  app.post(paths.adminPendingPersonRefuse, admins, async (request, reply) => {
    await sso.refusePending(request.actor!, pendingId(request));
    await setSessionValue(services, request, 'adminNotice', 'Refused: they cannot use Lantern. If they sign in again they will be waiting again.');
    return reply.redirect(urls.adminPendingPeople(), 303);
  });
}
