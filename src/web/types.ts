import type { Actor } from '../domain/actor.ts';
import type { UserRole } from '../domain/codes.ts';
import type { Session } from '../modules/access/service.ts';
import type { SessionUser } from '../modules/access/repository.ts';

/** Who may call a route: anyone, any signed-in user, or only these roles. Every route declares it. */
export type RouteAccess = 'public' | 'signed-in' | readonly UserRole[];

declare module 'fastify' {
  interface FastifyInstance {
    /** Largest request bodies per kind of route, from the configuration. */
    uploadLimits: import('../config.ts').UploadLimits;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    cspNonce: string;
    session: Session | null;
    user: SessionUser | null;
    actor: Actor | null;
  }
  interface FastifyReply {
    view(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}
