import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { setSessionValue } from '../../web/forms.ts';
import { paths, urls } from '../../web/urls.ts';
import { ukDateTime } from '../admin/present.ts';
import { rolesWith } from '../../domain/access/policy.ts';
import { count } from '../../domain/plural.ts';

/** "Chrome on Windows": enough for a person to tell their own browsers apart. */
export function browserName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari' : '';
  const system = /Windows/.test(userAgent) ? 'Windows' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Mac OS X/.test(userAgent) ? 'macOS'
    : /Android/.test(userAgent) ? 'Android' : /Linux/.test(userAgent) ? 'Linux' : '';
  if (!browser && !system) return userAgent ? 'Another program' : 'Not known';
  return [browser || 'A browser', system && `on ${system}`].filter(Boolean).join(' ');
}

export async function sessionRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const sessions = services.sessions;
  const id = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name];

  app.get(paths.sessions, { config: { access: 'signed-in' } }, async (request, reply) => {
    const rows = (await sessions.mine(request.actor!, request.session?.idHash ?? null)).map((s) => ({
      ...s, signedIn: ukDateTime(s.created_at), expires: ukDateTime(s.expires_at), browser: browserName(s.user_agent),
    }));
    const notice = (request.session?.data.sessionsNotice as string | undefined) ?? null;
    if (notice) await setSessionValue(services, request, 'sessionsNotice', null);
    return reply.view('sessions/views/sessions.njk', { pageTitle: 'Your sessions', sessions: rows, notice });
  });

  app.post(paths.endSession, { config: { access: 'signed-in' } }, async (request, reply) => {
    await sessions.endMine(request.actor!, id(request, 'sessionId'));
    await setSessionValue(services, request, 'sessionsNotice', 'Session ended: that browser is signed out.').catch(() => undefined);
    return reply.redirect(urls.sessions(), 303);
  });

  app.post(paths.adminUserEndSessions, { config: { access: rolesWith('admin.manage') } }, async (request, reply) => {
    const userId = id(request, 'userId');
    const ended = await sessions.endAllFor(request.actor!, userId);
    await setSessionValue(services, request, 'adminNotice', `Ended ${count(ended, 'session')}.`);
    return reply.redirect(urls.adminUser(userId), 303);
  });
}

/** Notes each signed-in session's browser and address once, for the sessions page. Applies to every page. */
export async function describeSessions(app: FastifyInstance, { services }: { services: Services }) {
  app.addHook('preHandler', async (request) => {
    const session = request.session;
    if (!session?.user || session.data.described || request.url.startsWith('/api/')) return;
    await services.sessions.describe(session.idHash, String(request.headers['user-agent'] ?? ''), request.ip);
    session.data.described = true;
    await services.access.saveSessionData(session.idHash, session.data);
  });
}
Object.defineProperty(describeSessions, Symbol.for('skip-override'), { value: true });
