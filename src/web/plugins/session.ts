import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebServices } from '../types.ts';

export const sessionCookie = 'lantern_session';

export function setSessionCookie(reply: FastifyReply, sessionId: string, hours: number) {
  reply.setCookie(sessionCookie, sessionId, { path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: hours * 3600 });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(sessionCookie, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}

/** Loads the session named by the cookie. Sessions live in the database so any web process can serve any request. */
export async function session(app: FastifyInstance, { services, sessionHours }: { services: WebServices; sessionHours: number }) {
  app.decorateRequest('session', null);
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/assets/') || request.url.startsWith('/api/')) return;
    const id = request.cookies[sessionCookie];
    if (!id) return;
    request.session = await services.access.session(id);
    request.user = request.session?.user ?? null;
  });

  /** A session for a visitor who has none yet, so the sign-in form can carry a CSRF token. */
  app.decorate('ensureSession', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.session) return request.session;
    const created = await services.access.newSession(null);
    setSessionCookie(reply, created.sessionId, sessionHours);
    request.session = { idHash: created.idHash, csrfToken: created.csrfToken, user: null, data: {} };
    return request.session;
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    ensureSession(request: FastifyRequest, reply: FastifyReply): Promise<import('../../domain/session.ts').Session>;
  }
}
