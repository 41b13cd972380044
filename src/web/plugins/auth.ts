import type { FastifyInstance } from 'fastify';
import { actorFrom, secondFactorOwed } from '../../domain/session.ts';
import type { WebServices } from '../types.ts';
import { safeReturnPath, urls } from '../urls.ts';

/**
 * Decides who may call each route from its declared access. Pages use the session; the API
 * uses bearer tokens. A route that declares nothing is refused: access is never implied.
 */
export async function auth(app: FastifyInstance, { services }: { services: WebServices }) {
  app.decorateRequest('actor', null);
  app.decorateRequest('secondFactorOwed', null);
  // onRequest, before the body is read: an upload from someone who may not send it is refused unread.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const access = request.routeOptions.config?.access;
    const isApi = request.url.startsWith('/api/');
    if (isApi) {
      const header = request.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      request.user = token ? await services.access.userForApiToken(token) : null;
    }
    if (request.user) request.actor = actorFrom(request.user, request.ip, services.clock.now());
    // The one gate for the second factor: a session that owes one opens only the code and set-up pages.
    if (!isApi && request.user && request.session) request.secondFactorOwed = secondFactorOwed(request.session, request.user.role);
    if (access === 'public') return;
    if (request.secondFactorOwed && !request.routeOptions.config?.beforeSecondFactor) {
      const back = request.method === 'GET' ? safeReturnPath(request.url, '') : '';
      return reply.redirect(request.secondFactorOwed === 'code' ? urls.signInCode(back) : urls.secondFactorSetUp(back), 303);
    }
    if (!request.actor) {
      if (isApi) return reply.code(401).send({ error: 'unauthorised', message: 'Send a valid API token in the Authorization header: Bearer <token>' });
      const back = request.method === 'GET' ? safeReturnPath(request.url, '') : '';
      const next = back ? `?next=${encodeURIComponent(back)}` : '';
      return reply.redirect(urls.signIn() + next);
    }
    if (access === 'signed-in' || (Array.isArray(access) && access.includes(request.actor.role))) {
      // An export of personal data by a session signed in through an issuer: that issuer confirms who it is, just now.
      const session = request.session;
      if (request.routeOptions.config?.reauthenticate && !isApi && session && typeof session.data.ssoIssuerId === 'string'
        && !(await services.sso.authenticatedWithin(session.idHash))) {
        return reply.redirect(urls.ssoReauth(safeReturnPath(request.url)), 303);
      }
      return;
    }
    request.log.warn({ route: request.routeOptions.url, user: request.actor.id }, 'route refused for role');
    if (isApi) return reply.code(403).send({ error: 'forbidden', message: 'Your role cannot do this' });
    return reply.code(403).view('errors/forbidden.njk', { pageTitle: 'You cannot see this page', message: 'Your role cannot use this page.' });
  });
}
