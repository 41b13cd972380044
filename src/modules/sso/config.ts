import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * Single sign-on configuration, read once at start. Issuers come from LANTERN_OIDC_ISSUERS (JSON,
 * no secrets); each issuer's client secret or private key comes from its own variable, so no
 * secret is ever in the repository or in one shared value.
 */
export const ssoAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
export type SsoAuthMethod = (typeof ssoAuthMethods)[number];
export const ssoKeyAlgs = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'] as const;
export type SsoKeyAlg = (typeof ssoKeyAlgs)[number];

export interface SsoIssuer {
  /** Short name used in /sso/sign-in?issuer=ID and in variable names. */
  id: string;
  /** The button's words: "Sign in with {label}". */
  label: string;
  /** The issuer identifier (discovery is at {issuer}/.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  /** Microsoft Entra ID: the tenant whose `tid` claim every ID token must carry. */
  tenantId?: string;
  authMethod: SsoAuthMethod;
  scopes: string;
  /** `acr` values that mean the issuer did multi-factor authentication (besides `amr`). */
  mfaAcr: string[];
  /**
   * Treat the issuer's email (or an email-shaped preferred_username) as verified though it sends no
   * email_verified: for a single Entra tenant, which owns its people's addresses. Off by default.
   */
  trustEmail: boolean;
  clientSecret?: string;
  /** private_key_jwt: PEM (PKCS#8) or a JWK as JSON, with its key id and algorithm. */
  privateKey?: string;
  keyId?: string;
  keyAlg: SsoKeyAlg;
  /** Tests only: a plain-http issuer (openid-client's allowInsecureRequests). Never read from the environment. */
  allowHttp?: boolean;
}

export interface SsoSettings {
  issuers: SsoIssuer[];
  /** LANTERN_LOCAL_PASSWORDS=off switches local passwords off whatever the admin setting says. */
  localPasswordsOff: boolean;
}

export class SsoConfigError extends Error {}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const issuerSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1 to 40 lower-case letters, digits or hyphens, like "entra"'),
  label: z.string().trim().min(1, 'must be the name people know it by, like "Northvale Council account"').max(80),
  issuer: z.string().url('must be the issuer’s https:// address').refine((s) => s.startsWith('https://'), 'must be an https:// address (plain http is allowed only in tests)'),
  clientId: z.string().min(1, 'must be the client id the issuer gave Lantern'),
  tenantId: z.string().regex(guid, 'must be the Entra tenant id, a GUID').optional(),
  authMethod: z.enum(ssoAuthMethods, { message: `must be one of ${ssoAuthMethods.join(', ')}` }).default('client_secret_basic'),
  scopes: z.string().regex(/(^|\s)openid(\s|$)/, 'must include openid').default('openid email profile'),
  mfaAcr: z.array(z.string().min(1)).default([]),
  trustEmail: z.boolean().default(false),
  keyId: z.string().min(1).optional(),
  keyAlg: z.enum(ssoKeyAlgs, { message: `must be one of ${ssoKeyAlgs.join(', ')}` }).default('RS256'),
}).strict();

/** LANTERN_OIDC_<ID>_CLIENT_SECRET and friends: the id in capitals, hyphens as underscores. */
export const secretVariable = (id: string, what: 'CLIENT_SECRET' | 'PRIVATE_KEY') => `LANTERN_OIDC_${id.toUpperCase().replace(/-/g, '_')}_${what}`;

export function parseSsoConfig(env: NodeJS.ProcessEnv): SsoSettings {
  const localPasswords = (env.LANTERN_LOCAL_PASSWORDS ?? '').trim().toLowerCase();
  if (localPasswords && localPasswords !== 'on' && localPasswords !== 'off') {
    throw new SsoConfigError(`LANTERN_LOCAL_PASSWORDS must be "on" or "off", not "${env.LANTERN_LOCAL_PASSWORDS}"`);
  }
  const raw = (env.LANTERN_OIDC_ISSUERS ?? '').trim();
  const issuers = raw ? parseIssuers(raw, env) : [];
  if (localPasswords === 'off' && !issuers.length) {
    throw new SsoConfigError('LANTERN_LOCAL_PASSWORDS=off needs at least one issuer in LANTERN_OIDC_ISSUERS, or nobody could sign in');
  }
  return { issuers, localPasswordsOff: localPasswords === 'off' };
}

function parseIssuers(raw: string, env: NodeJS.ProcessEnv): SsoIssuer[] {
  let json: unknown;
  try { json = JSON.parse(raw); } catch (e) {
    throw new SsoConfigError(`LANTERN_OIDC_ISSUERS is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(json) || !json.length) throw new SsoConfigError('LANTERN_OIDC_ISSUERS must be a JSON list of issuers, like [{"id":"entra",...}]');
  const seen = new Set<string>();
  return json.map((entry, i) => {
    const parsed = issuerSchema.safeParse(entry);
    const name = `LANTERN_OIDC_ISSUERS issuer ${i + 1}${entry && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string' ? ` ("${(entry as { id: string }).id}")` : ''}`;
    if (!parsed.success) {
      throw new SsoConfigError(`${name}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'} ${issue.message}`).join('; ')}`);
    }
    const issuer = parsed.data;
    if (seen.has(issuer.id)) throw new SsoConfigError(`${name}: another issuer already has the id "${issuer.id}"`);
    seen.add(issuer.id);
    if (/^https:\/\/login\.microsoftonline\.com\//.test(issuer.issuer)) {
      if (!issuer.tenantId) throw new SsoConfigError(`${name}: an Entra ID issuer needs tenantId, the tenant whose people may sign in`);
      if (!issuer.issuer.toLowerCase().includes(issuer.tenantId.toLowerCase())) {
        throw new SsoConfigError(`${name}: the issuer must be the tenant's own, https://login.microsoftonline.com/${issuer.tenantId}/v2.0`);
      }
    }
    const result: SsoIssuer = { ...issuer };
    if (issuer.authMethod === 'private_key_jwt') {
      const variable = secretVariable(issuer.id, 'PRIVATE_KEY');
      const key = env[variable];
      if (!key) throw new SsoConfigError(`${variable} is not set: issuer "${issuer.id}" signs in with private_key_jwt`);
      let kind: string | undefined;
      try { kind = privateKeyObject(key).asymmetricKeyType; } catch (e) {
        throw new SsoConfigError(`${variable} is not a private key (PEM PKCS#8 or a JWK as JSON): ${(e as Error).message}`);
      }
      const wanted = issuer.keyAlg.startsWith('ES') ? 'ec' : 'rsa';
      if (kind !== wanted) throw new SsoConfigError(`${variable} is an ${kind} key, but keyAlg ${issuer.keyAlg} needs an ${wanted.toUpperCase()} key`);
      result.privateKey = key;
    } else {
      const variable = secretVariable(issuer.id, 'CLIENT_SECRET');
      const secret = env[variable];
      if (!secret) throw new SsoConfigError(`${variable} is not set: issuer "${issuer.id}" signs in with ${issuer.authMethod}`);
      result.clientSecret = secret;
    }
    return result;
  });
}

/** A private key from PEM or from a JWK written as JSON. */
export function privateKeyObject(key: string) {
  const trimmed = key.trim();
  const made = trimmed.startsWith('{') ? createPrivateKey({ key: JSON.parse(trimmed), format: 'jwk' }) : createPrivateKey(trimmed.replace(/\\n/g, '\n'));
  if (made.type !== 'private') throw new Error('not a private key');
  return made;
}
