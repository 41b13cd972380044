import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { errorList, redirectWithErrors, takeFormState, text } from '../../web/forms.ts';
import { clearSessionCookie, setSessionCookie } from '../../web/plugins/session.ts';
import { paths, safeReturnPath, urls } from '../../web/urls.ts';
import { rolesWith } from '../../domain/access/policy.ts';

export async function accessRoutes(app: FastifyInstance, { services, sessionHours }: { services: Services; sessionHours: number }) {
  app.get(paths.home, { config: { access: 'public' } }, async (request, reply) =>
    reply.redirect(request.user ? urls.myFamilies() : urls.signIn()));

  app.get(paths.signIn, { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect(urls.myFamilies());
    await app.ensureSession(request, reply);
    const state = await takeFormState(services, request);
    const next = safeReturnPath((request.query as Record<string, unknown>).next, '');
    return reply.view('access/views/sign-in.njk', {
      pageTitle: 'Sign in to Lantern',
      // Single sign-on: a button per issuer; the password form only while local passwords are on.
      issuers: services.sso.issuers().map((i) => ({ ...i, href: urls.ssoSignIn(i.id, next) })),
      localPasswords: await services.sso.localPasswordsOn(),
      errors: state?.errors ?? {},
      errorList: state ? errorList(state.errors) : [],
      values: state?.values ?? {},
      next,
    });
  });

  app.post(paths.signIn, { config: { access: 'public' } }, async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    const email = text(body, 'email').trim();
    const password = text(body, 'password');
    const next = safeReturnPath(text(body, 'next'), '');
    const back = next ? `${urls.signIn()}?next=${encodeURIComponent(next)}` : urls.signIn();
    const errors: Record<string, string> = {};
    if (!email) errors.email = 'Enter your email address';
    if (!password) errors.password = 'Enter your password';
    if (!(await services.sso.localPasswordsOn())) {
      return redirectWithErrors(services, request, reply, back, { errors: { sso: 'Lantern passwords are switched off for this partnership. Sign in with your organisation’s account.' }, values: {} });
    }
    if (Object.keys(errors).length) return redirectWithErrors(services, request, reply, back, { errors, values: { email } });
    const result = await services.access.signIn(email, password, request.ip);
    if (!result.ok) return redirectWithErrors(services, request, reply, back, { errors: { email: result.message }, values: { email } });
    // A new session id on sign-in, so a session planted before sign-in is worthless.
    if (request.session) await services.access.discardSession(request.session.idHash);
    setSessionCookie(reply, result.sessionId, sessionHours);
    return reply.redirect(next || urls.myFamilies(), 303);
  });

  // An administrator lets a locked email sign in again (also: lantern user unlock --email E).
  app.post(paths.api.unlockSignIn, { config: { access: rolesWith('admin.manage') } }, async (request) => {
    const email = text((request.body ?? {}) as Record<string, unknown>, 'email');
    return services.access.unlockSignIn(request.actor!, email);
  });

  app.post(paths.signOut, { config: { access: 'signed-in', beforeSecondFactor: true } }, async (request, reply) => {
    await services.access.signOut(request.session!.idHash, request.actor);
    clearSessionCookie(reply);
    return reply.redirect(urls.signIn(), 303);
  });
}
