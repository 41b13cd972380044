import type { Actor } from '../domain/actor.ts';
import type { Clock } from '../domain/clock.ts';
import type { UserRole } from '../domain/codes.ts';
import type { Session, SessionUser } from '../domain/session.ts';

/**
 * What the web kit's plugins and form helpers need of Lantern's services. The composition root
 * passes its whole services object; naming only this keeps the kit from importing the modules.
 */
export interface WebServices {
  clock: Clock;
  access: {
    session(sessionId: string): Promise<Session | null>;
    newSession(userId: string | null): Promise<{ sessionId: string; csrfToken: string; idHash: string }>;
    saveSessionData(idHash: string, data: Record<string, unknown>): Promise<unknown>;
    userForApiToken(token: string): Promise<SessionUser | null>;
  };
  sso: { authenticatedWithin(idHash: string): Promise<boolean> };
}

/** Who may call a route: anyone, any signed-in user, or only these roles. Every route declares it. */
export type RouteAccess = 'public' | 'signed-in' | readonly UserRole[];

declare module 'fastify' {
  interface FastifyInstance {
    /** Largest request bodies per kind of route, from the configuration. */
    uploadLimits: import('./upload.ts').UploadLimits;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** A public form that only reads (the directory search): posted to keep its terms out of URLs, so no CSRF token. */
    readOnlyPost?: boolean;
    /** Opens while a signed-in session still owes its second factor (the code and set-up pages, sign out). */
    beforeSecondFactor?: boolean;
    /**
     * A personal-data export (GET): a session signed in through single sign-on must have signed in
     * again at its issuer within the last 10 minutes, or it is sent there (`/sso/reauth`) and back.
     * A password session has passed its second factor; API tokens are not affected.
     */
    reauthenticate?: boolean;
  }
  interface FastifyRequest {
    cspNonce: string;
    session: Session | null;
    user: SessionUser | null;
    actor: Actor | null;
    /** The signed-in session still owes a second factor: the code ('code') or setting one up ('set-up'). */
    secondFactorOwed: 'code' | 'set-up' | null;
  }
  interface FastifyReply {
    view(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}
