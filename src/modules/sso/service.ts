import { mayUse } from '../../domain/access/policy.ts';
import { randomUUID, webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { AccessService } from '../access/service.ts';
import { auditRepository } from '../audit/repository.ts';
import { privateKeyObject, type SsoIssuer, type SsoSettings } from './config.ts';
import { ssoRepository as repo } from './repository.ts';
import type { Clock } from '../../domain/clock.ts';

/** What single sign-on needs from the configuration: the issuers, the switch, and Lantern's own address. */
export interface SsoOptions extends SsoSettings {
  /** Lantern's address as the issuer sees it; the redirect URI is {baseUrl}/sso/callback. */
  baseUrl: string;
}

/** What one sign-in through an issuer keeps in the browser's session between the two redirects. */
export interface SsoFlow {
  issuerId: string;
  purpose: 'sign-in' | 'reauth' | 'invitation';
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  /** reauth: the user who asked, who must come back as themselves. */
  userId?: string;
  /** reauth: the issuer's subject the session signed in as: only that linked identity may re-authenticate it. */
  subject?: string;
  /** invitation: the invitation's token, taken up by linking the issuer's account instead of choosing a password. */
  invitation?: string;
}

export type SsoOutcome =
  | { kind: 'signed-in'; sessionId: string; next: string }
  | { kind: 'reauthenticated'; next: string }
  | { kind: 'pending'; pendingId: string }
  | { kind: 'refused'; message: string };

/** Authentication method references (RFC 8176) that are, or include, a factor beyond a password. */
const strongAmr = new Set(['mfa', 'mca', 'otp', 'hwk', 'swk', 'sms', 'tel', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm']);

/** Whether an ID token says the issuer did multi-factor authentication: an `amr` beyond a password, or a configured `acr`. */
export function issuerAssertsMfa(claims: { readonly [claim: string]: unknown }, mfaAcr: readonly string[]): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  if (amr.some((v) => strongAmr.has(v.toLowerCase()))) return true;
  return typeof claims.acr === 'string' && mfaAcr.includes(claims.acr);
}

export const callbackPath = '/sso/callback';

/** How recent a re-authentication must be for a sensitive act (break glass, exports), unless the caller says otherwise. */
export const reauthMinutes = 10;

const plainRefusal = 'Lantern could not check your sign-in. Go back to the sign-in page and try again.';

/** What single sign-on asks of the admin area: adding an approved person, and taking up an invitation. */
export interface SsoAdminDeps {
  addUser: (tx: Queryable, actor: Actor, body: Record<string, unknown>) => Promise<string>;
  invitation: (tx: Queryable, token: string) => Promise<{ user_id: string } | undefined>;
  useInvitation: (tx: Queryable, token: string, userId: string, ip: string, issuerId: string) => Promise<boolean>;
}

const invitationGone = 'This invitation link does not work: it has been used, or it is more than 7 days old. Ask your Lantern administrator for a new one.';

/** How far an issuer's clock may be ahead of Lantern's before an auth_time "in the future" is refused. */
const clockSkewMs = 60_000;

/**
 * When the ID token says the person authenticated at the issuer (auth_time), if that is within the
 * last `minutes` by the app clock's real time; otherwise null.
 */
export function freshAuthTime(claims: { readonly [claim: string]: unknown }, now: Date, minutes = reauthMinutes): Date | null {
  if (typeof claims.auth_time !== 'number' || !Number.isFinite(claims.auth_time)) return null;
  const at = claims.auth_time * 1000;
  return at <= now.getTime() + clockSkewMs && now.getTime() - at <= minutes * 60_000 ? new Date(at) : null;
}

export function ssoService(db: Database, options: SsoOptions, deps: SsoAdminDeps & { access: AccessService; clock: Clock }) {
  const configs = new Map<string, Promise<oidc.Configuration>>();
  /** Security time: the clock's real instant (never a demo's shifted date), as the issuer's auth_time is. */
  const real = () => deps.clock.real();

  function issuer(id: string): SsoIssuer {
    const found = options.issuers.find((i) => i.id === id);
    if (!found) throw new NotFoundError('Sign-in service');
    return found;
  }

  async function clientAuth(i: SsoIssuer): Promise<oidc.ClientAuth> {
    if (i.authMethod === 'client_secret_post') return oidc.ClientSecretPost(i.clientSecret);
    if (i.authMethod === 'client_secret_basic') return oidc.ClientSecretBasic(i.clientSecret);
    const jwk = privateKeyObject(i.privateKey!).export({ format: 'jwk' });
    const algorithm = i.keyAlg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' }
      : i.keyAlg === 'PS256' ? { name: 'RSA-PSS', hash: 'SHA-256' }
      : { name: 'RSASSA-PKCS1-v1_5', hash: `SHA-${i.keyAlg.slice(2)}` };
    const key = await webcrypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign']);
    return oidc.PrivateKeyJwt({ key: key as CryptoKey, kid: i.keyId });
  }

  /** The issuer's metadata, discovered once and kept (a failed discovery is tried again next time). */
  function configuration(i: SsoIssuer): Promise<oidc.Configuration> {
    let found = configs.get(i.id);
    if (!found) {
      found = clientAuth(i).then((auth) => oidc.discovery(new URL(i.issuer), i.clientId, { redirect_uris: [redirectUri()] }, auth,
        i.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined));
      found.catch(() => configs.delete(i.id));
      configs.set(i.id, found);
    }
    return found;
  }

  const redirectUri = () => `${options.baseUrl}${callbackPath}`;

  async function refuse(ip: string, i: SsoIssuer | null, reason: string, message: string, extra: { userId?: string | null; subject?: string } = {}): Promise<SsoOutcome> {
    await auditRepository.insert(db, {
      userId: extra.userId ?? null, action: 'sso-sign-in', recordType: 'user', recordId: extra.userId ?? null, outcome: 'denied', ip,
      detail: { issuer: i?.id ?? null, reason },
    });
    return { kind: 'refused', message };
  }

  const localPasswordsOn = async (): Promise<boolean> => !options.localPasswordsOff && ((await repo.localPasswordsSetting(db)) ?? true);

  return {
    /** A page's full address at Lantern (for messages that send a person to the web). */
    address: (path: string) => new URL(path, options.baseUrl).href,

    /**
     * For the API, which has no browser to send to an issuer: the issuer a person must confirm who
     * they are at, when a Lantern password cannot (they are linked to an issuer, and local passwords
     * are off or they have no password of their own); undefined when their password can.
     */
    async confirmsOnlyAtIssuer(userId: string): Promise<{ id: string; account: string } | undefined> {
      const linked = await repo.linkedIssuer(db, userId);
      if (!linked || (linked.own_password && (await localPasswordsOn()))) return undefined;
      // The issuer's label names the account ("Test council account"), as on the sign-in page.
      return { id: linked.issuer_id, account: options.issuers.find((x) => x.id === linked.issuer_id)?.label ?? 'organisation’s account' };
    },

    /** The callback's full address as the issuer sent the browser to it (Lantern's configured address, the request's path and query). */
    callbackUrl: (requestUrl: string) => new URL(requestUrl, options.baseUrl),

    /** The issuers for the sign-in page's buttons. */
    issuers: () => options.issuers.map((i) => ({ id: i.id, label: i.label })),

    /** Whether local passwords may be used: LANTERN_LOCAL_PASSWORDS=off wins, then the administrators' setting (on by default). */
    localPasswordsOn,

    async signInSettings(actor: Actor) {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can change how people sign in');
      return {
        localPasswords: (await repo.localPasswordsSetting(db)) ?? true,
        forcedOff: options.localPasswordsOff,
        issuers: options.issuers.map((i) => ({ id: i.id, label: i.label, issuer: i.issuer, tenantId: i.tenantId ?? null, authMethod: i.authMethod, mfaAcr: i.mfaAcr })),
      };
    },

    async setLocalPasswords(actor: Actor, body: Record<string, unknown>) {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can change how people sign in');
      const choice = body.localPasswords;
      if (choice !== 'on' && choice !== 'off') throw new ValidationError({ localPasswords: 'Select whether people can sign in with a Lantern password' });
      if (choice === 'off' && !options.issuers.length) {
        throw new ValidationError({ localPasswords: 'Lantern has no single sign-on service set up (LANTERN_OIDC_ISSUERS), so passwords cannot be switched off: nobody could sign in' });
      }
      await db.transaction(async (tx) => {
        const before = (await repo.localPasswordsSetting(tx)) ?? true;
        await repo.setLocalPasswords(tx, choice === 'on', real());
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'change-sign-in-settings', recordType: 'setting', outcome: 'allowed', ip: actor.ip,
          detail: { before: { localPasswords: before }, after: { localPasswords: choice === 'on' } },
        });
      });
    },

    /** Starts the authorization code flow with PKCE: the issuer's address to send the browser to, and what to keep in the session. */
    async start(issuerId: string, purpose: SsoFlow['purpose'], next: string, extra: { userId?: string; subject?: string; invitation?: string } = {}): Promise<{ url: string; flow: SsoFlow }> {
      const i = issuer(issuerId);
      const config = await configuration(i);
      const flow: SsoFlow = {
        issuerId: i.id, purpose, next, ...extra,
        state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const parameters: Record<string, string> = {
        redirect_uri: redirectUri(), scope: i.scopes, state: flow.state, nonce: flow.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier), code_challenge_method: 'S256',
      };
      // Re-authentication goes back to the issuer, which must ask again whatever its own session says.
      if (purpose === 'reauth') Object.assign(parameters, { prompt: 'login', max_age: '0' });
      return { url: oidc.buildAuthorizationUrl(config, parameters).href, flow };
    },

    /**
     * Finishes a sign-in: exchanges the code (openid-client checks state, PKCE, the ID token's
     * signature, issuer, audience, nonce and times), checks the Entra tenant, then finds the
     * person by (issuer, subject), links them by verified email the first time, or records them
     * as waiting for a role. Every outcome is audited.
     */
    async finish(flow: SsoFlow | undefined, callbackUrl: URL, context: { ip: string; idHash: string | null }): Promise<SsoOutcome> {
      const i = flow ? options.issuers.find((x) => x.id === flow.issuerId) ?? null : null;
      if (!flow || !i) return refuse(context.ip, i, 'no-sign-in-started', 'This sign-in was not started in this browser, or it has expired. Go back to the sign-in page and try again.');
      let claims: oidc.IDToken;
      try {
        const tokens = await oidc.authorizationCodeGrant(await configuration(i), callbackUrl, {
          pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true,
          ...(flow.purpose === 'reauth' ? { maxAge: 0 } : {}),
        });
        claims = tokens.claims()!;
      } catch (error) {
        const e = error as { code?: string; error?: string; name?: string; message?: string; cause?: { message?: string } };
        // openid-client wraps the check that failed (state, nonce, issuer, audience...) as the cause.
        const reason = `${e.error ?? e.code ?? e.name ?? 'error'}${e.cause?.message ? ` (${e.cause.message})` : ''}`;
        const message = e.error === 'access_denied' ? `${i.label} did not let you sign in. Go back to the sign-in page and try again.` : plainRefusal;
        return refuse(context.ip, i, `${reason}: ${String(e.message ?? '').slice(0, 200)}`, message);
      }
      if (i.tenantId && claims.tid !== i.tenantId) {
        return refuse(context.ip, i, 'wrong-tenant', `You signed in with an account from another organisation. Use your ${i.label}.`);
      }
      const mfa = issuerAssertsMfa(claims, i.mfaAcr);
      // Entra sends no email_verified: an issuer configured with trustEmail vouches for its own addresses.
      const username = i.trustEmail && typeof claims.preferred_username === 'string' && claims.preferred_username.includes('@') ? claims.preferred_username : '';
      const email = (typeof claims.email === 'string' ? claims.email : username).trim();
      const verified = claims.email_verified === true || (i.trustEmail && Boolean(email));

      const decided = await db.transaction(async (tx): Promise<SsoOutcome | { kind: 'user'; userId: string; linked: boolean }> => {
        let user = await repo.userForIdentity(tx, claims.iss, claims.sub);
        let linked = false;
        if (flow.purpose === 'reauth') {
          // Only the identity this session signed in as, still linked to the same active person, and only
          // an authentication made just now (auth_time within 10 minutes by the app clock); never a new link.
          const someoneElse = !user || user.id !== flow.userId || !user.active || (flow.subject !== undefined && claims.sub !== flow.subject) || !context.idHash;
          const authenticatedAt = freshAuthTime(claims, real());
          const reason = someoneElse ? 'another-person' : !authenticatedAt ? 'not-fresh' : null;
          if (reason) {
            await auditRepository.insert(tx, { userId: flow.userId ?? null, action: 'reauthenticate', recordType: 'user', recordId: flow.userId ?? null, outcome: 'denied', ip: context.ip, detail: { issuer: i.id, reason } });
            return {
              kind: 'refused',
              message: reason === 'another-person' ? 'You signed in again as someone else. Sign in again as yourself to carry on.'
                : `${i.label} did not ask you to sign in again just now, so Lantern cannot confirm it is you. Try again, and sign in when ${i.label} asks.`,
            };
          }
          await repo.markAuthenticated(tx, context.idHash!, mfa, authenticatedAt);
          await auditRepository.insert(tx, { userId: user!.id, action: 'reauthenticate', recordType: 'user', recordId: user!.id, outcome: 'allowed', ip: context.ip, detail: { issuer: i.id, mfa } });
          return { kind: 'reauthenticated', next: flow.next };
        }
        if (flow.purpose === 'invitation') {
          // The link the administrator handed over is the proof: the account the person signs in with becomes theirs.
          const invited = flow.invitation ? await deps.invitation(tx, flow.invitation) : undefined;
          if (!invited) {
            await auditRepository.insert(tx, { userId: null, action: 'sso-sign-in', recordType: 'user', recordId: null, outcome: 'denied', ip: context.ip, detail: { issuer: i.id, reason: 'invitation-not-valid' } });
            return { kind: 'refused', message: invitationGone };
          }
          if (user && user.id !== invited.user_id) {
            await auditRepository.insert(tx, { userId: null, action: 'sso-sign-in', recordType: 'user', recordId: invited.user_id, outcome: 'denied', ip: context.ip, detail: { issuer: i.id, reason: 'linked-to-someone-else' } });
            return { kind: 'refused', message: `Your ${i.label} is already linked to another person in Lantern, so it cannot be used for this invitation. Ask your Lantern administrator for help.` };
          }
          if (!(await deps.useInvitation(tx, flow.invitation!, invited.user_id, context.ip, i.id))) return { kind: 'refused', message: invitationGone };
          if (!user) {
            await repo.link(tx, { issuer: claims.iss, subject: claims.sub, userId: invited.user_id, issuerId: i.id });
            await repo.deletePendingIdentity(tx, claims.iss, claims.sub);
            await auditRepository.insert(tx, { userId: invited.user_id, action: 'sso-link', recordType: 'user', recordId: invited.user_id, outcome: 'allowed', ip: context.ip, detail: { issuer: i.id, by: 'invitation' } });
            linked = true;
          }
          user = { id: invited.user_id, active: true };
        } else if (!user && email) {
          const byEmail = await repo.userByEmail(tx, email);
          if (byEmail && !verified) {
            await auditRepository.insert(tx, { userId: null, action: 'sso-sign-in', recordType: 'user', recordId: byEmail.id, outcome: 'denied', ip: context.ip, detail: { issuer: i.id, reason: 'email-not-verified' } });
            return { kind: 'refused', message: `${i.label} has not confirmed your email address, so Lantern cannot match you to your account. Ask your Lantern administrator for help.` };
          }
          if (byEmail) {
            if (!byEmail.active) {
              await auditRepository.insert(tx, { userId: null, action: 'sso-sign-in', recordType: 'user', recordId: byEmail.id, outcome: 'denied', ip: context.ip, detail: { issuer: i.id, reason: 'disabled' } });
              return { kind: 'refused', message: 'Your Lantern account is disabled. Ask your Lantern administrator if you need it again.' };
            }
            await repo.link(tx, { issuer: claims.iss, subject: claims.sub, userId: byEmail.id, issuerId: i.id });
            await auditRepository.insert(tx, { userId: byEmail.id, action: 'sso-link', recordType: 'user', recordId: byEmail.id, outcome: 'allowed', ip: context.ip, detail: { issuer: i.id, by: 'verified email' } });
            user = byEmail;
            linked = true;
          }
        }

        if (user && !user.active) {
          await auditRepository.insert(tx, { userId: null, action: 'sso-sign-in', recordType: 'user', recordId: user.id, outcome: 'denied', ip: context.ip, detail: { issuer: i.id, reason: 'disabled' } });
          return { kind: 'refused', message: 'Your Lantern account is disabled. Ask your Lantern administrator if you need it again.' };
        }
        if (!user) {
          const name = typeof claims.name === 'string' ? claims.name : [claims.given_name, claims.family_name].filter((s) => typeof s === 'string').join(' ');
          const pending = await repo.upsertPending(tx, {
            id: randomUUID(), issuer: claims.iss, subject: claims.sub, issuerId: i.id, email, emailVerified: verified, displayName: name.slice(0, 200), at: real(),
          });
          await auditRepository.insert(tx, {
            userId: null, action: 'sso-sign-in', recordType: 'sso_pending_person', recordId: pending.id, outcome: 'denied', ip: context.ip,
            detail: { issuer: i.id, reason: pending.created ? 'pending-new' : 'pending' },
          });
          return { kind: 'pending', pendingId: pending.id };
        }
        return { kind: 'user', userId: user.id, linked };
      });
      if (decided.kind !== 'user') return decided;
      // A new session (and id) for the signed-in person; it remembers its issuer and subject for re-authentication.
      const { sessionId, idHash } = await deps.access.newSession(decided.userId);
      await deps.access.saveSessionData(idHash, { ssoIssuerId: i.id, ssoSubject: claims.sub });
      await db.transaction(async (tx) => {
        // A sign-in counts for sensitive acts only if the issuer authenticated the person just now (not an old session of its own).
        await repo.markAuthenticated(tx, idHash, mfa, freshAuthTime(claims, real()));
        await repo.touchIdentity(tx, claims.iss, claims.sub, real());
        await auditRepository.insert(tx, {
          userId: decided.userId, action: 'sign-in', recordType: 'user', recordId: decided.userId, outcome: 'allowed', ip: context.ip,
          detail: { via: 'single sign-on', issuer: i.id, mfa, linked: decided.linked },
        });
      });
      return { kind: 'signed-in', sessionId, next: flow.next };
    },

    /** A person's linked accounts at issuers, for their page in the admin area. */
    async identities(actor: Actor, userId: string) {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can see how people sign in');
      return (await repo.identitiesOf(db, userId)).map((row) => ({ ...row, issuerLabel: options.issuers.find((x) => x.id === row.issuer_id)?.label ?? row.issuer_id }));
    },

    /**
     * Removes a link (the wrong account linked, or one the person no longer uses): their sessions
     * signed in through that issuer end; a later sign-in there links again only by verified email,
     * a new invitation or an administrator's approval. Audited with before and after.
     */
    async unlink(actor: Actor, userId: string, identityId: string): Promise<{ issuerLabel: string; sessionsEnded: number }> {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can change how people sign in');
      return db.transaction(async (tx) => {
        const gone = await repo.unlink(tx, userId, identityId);
        if (!gone) throw new NotFoundError('Single sign-on link');
        const sessionsEnded = await repo.endSessionsThrough(tx, userId, gone.issuer_id);
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'sso-unlink', recordType: 'user', recordId: userId, outcome: 'allowed', ip: actor.ip,
          detail: { before: { issuer: gone.issuer_id, linkedAt: gone.linked_at, lastSignInAt: gone.last_sign_in_at }, after: null, sessionsEnded },
        });
        return { issuerLabel: options.issuers.find((x) => x.id === gone.issuer_id)?.label ?? gone.issuer_id, sessionsEnded };
      });
    },

    /** The pending person a browser is waiting as (for their page), or undefined once decided. */
    pendingPerson: (id: string) => repo.pendingById(db, id),

    async pendingPeople(actor: Actor) {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can give people access');
      return (await repo.pending(db)).map((p) => ({ ...p, issuerLabel: options.issuers.find((i) => i.id === p.issuer_id)?.label ?? p.issuer_id }));
    },

    async pendingForAdmin(actor: Actor, id: string) {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can give people access');
      const p = await repo.pendingById(db, id);
      if (!p) throw new NotFoundError('Person waiting for access');
      return { ...p, issuerLabel: options.issuers.find((i) => i.id === p.issuer_id)?.label ?? p.issuer_id };
    },

    /** An administrator gives someone who signed in through an issuer a role, agency and team: a user linked to that identity. */
    async approve(actor: Actor, id: string, body: Record<string, unknown>): Promise<string> {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can give people access');
      return db.transaction(async (tx) => {
        const p = await repo.pendingForUpdate(tx, id);
        if (!p) throw new NotFoundError('Person waiting for access');
        const userId = await deps.addUser(tx, actor, body);
        await repo.link(tx, { issuer: p.issuer, subject: p.subject, userId, issuerId: p.issuer_id });
        await repo.deletePending(tx, id);
        await auditRepository.insert(tx, { userId: actor.id, action: 'sso-approve', recordType: 'user', recordId: userId, outcome: 'allowed', ip: actor.ip, detail: { issuer: p.issuer_id, pendingId: id } });
        return userId;
      });
    },

    async refusePending(actor: Actor, id: string) {
      if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can give people access');
      await db.transaction(async (tx) => {
        const p = await repo.pendingForUpdate(tx, id);
        if (!p) throw new NotFoundError('Person waiting for access');
        await repo.deletePending(tx, id);
        await auditRepository.insert(tx, { userId: actor.id, action: 'sso-refuse', recordType: 'sso_pending_person', recordId: id, outcome: 'allowed', ip: actor.ip, detail: { issuer: p.issuer_id, email: p.email } });
      });
    },

    /**
     * For sensitive acts (break glass, exports): did this session prove who it is at its issuer
     * (sign-in or /sso/reauth) within the last `minutes`? By the app clock's real time. Read it
     * before opening the act's transaction (PGlite has one connection).
     */
    authenticatedWithin(idHash: string, minutes = reauthMinutes) {
      return repo.authenticatedSince(db, idHash, new Date(real().getTime() - minutes * 60_000));
    },

    /** The issuer a session signed in through, with its label (for "sign in again with your …"), or undefined for a password session. */
    issuerOfSession(data: Record<string, unknown> | undefined): { id: string; label: string } | undefined {
      const id = data?.ssoIssuerId;
      if (typeof id !== 'string') return undefined;
      return { id, label: options.issuers.find((x) => x.id === id)?.label ?? 'organisation’s account' };
    },

    /** The session's second-factor flag (shared with the TOTP gate). */
    secondFactorDone: (idHash: string) => repo.secondFactorDone(db, idHash),
  };
}

export type SsoService = ReturnType<typeof ssoService>;
