import type { FastifyInstance } from 'fastify';
import { sameSecret } from '../../domain/session.ts';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every form post must carry the session's token. The JSON API is exempt because it takes no
 * cookies: it authenticates with bearer tokens, which a cross-site form cannot send.
 */
export async function csrf(app: FastifyInstance) {
  app.addHook('preHandler', async (request, reply) => {
    if (!unsafeMethods.has(request.method) || request.url.startsWith('/api/')) return;
    // A public search posts its terms (a postcode, a child's age) to keep them out of the URL; it
    // changes nothing and the visitor has no session, so there is nothing to forge.
    if (request.routeOptions.config?.readOnlyPost) return;
    const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!request.session || typeof sent !== 'string' || !sameSecret(sent, request.session.csrfToken)) {
      request.log.warn({ route: request.routeOptions.url }, 'CSRF token missing or wrong');
      return reply.code(403).view('errors/csrf.njk', { pageTitle: 'Your form could not be sent' });
    }
  });
}
