import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { SsoIssuer } from '../../src/modules/sso/config.ts';

/**
 * A real OpenID provider (the `oidc-provider` package, certified by the OpenID Foundation) on a
 * local port, for tests to sign in through. Its accounts are whatever the test puts in
 * `accounts`; its login page asks only for the account's id ("Username") and signs that account
 * in; consent is given automatically. Each account's `amr` and `acr` go into the ID token.
 */
export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Microsoft Entra ID's tenant claim. */
  tid?: string;
  amr?: string[];
  acr?: string;
}

export interface TestProvider {
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** Lantern's issuer settings for this provider's client (client_secret_basic), or its private_key_jwt client. */
  issuerConfig(over?: Partial<SsoIssuer>): SsoIssuer;
  privateKeyJwtConfig(over?: Partial<SsoIssuer>): SsoIssuer;
  /** The authorization requests Lantern sent, newest last (their query parameters). */
  authorizationRequests: URLSearchParams[];
  /** Registers Lantern's redirect URI with the provider's clients: call once Lantern's address is known. */
  start(redirectUri: string): void;
  close(): Promise<void>;
}

export const testClientSecret = 'lantern-test-client-secret-0123456789';

export async function startTestProvider(): Promise<TestProvider> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => { res.statusCode = 503; res.end(); };
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  const authorizationRequests: URLSearchParams[] = [];
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JsonWebKey;
  const client = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientPrivateJwk = JSON.stringify({ ...client.privateKey.export({ format: 'jwk' }), kid: 'lantern-test-key' });
  const clientPublicJwk = { ...client.publicKey.export({ format: 'jwk' }), kid: 'lantern-test-key', use: 'sig', alg: 'RS256' };

  const base = (over: Partial<SsoIssuer>): SsoIssuer => ({
    id: 'test-idp', label: 'Test council account', issuer, clientId: 'lantern', authMethod: 'client_secret_basic', scopes: 'openid email profile',
    mfaAcr: [], trustEmail: false, keyAlg: 'RS256', clientSecret: testClientSecret, allowHttp: true, ...over,
  });

  const provider = {
    issuer, accounts, authorizationRequests,
    issuerConfig: (over: Partial<SsoIssuer> = {}) => base(over),
    privateKeyJwtConfig: (over: Partial<SsoIssuer> = {}) => base({
      id: 'test-cis2', label: 'Test smartcard', clientId: 'lantern-pkjwt', authMethod: 'private_key_jwt', clientSecret: undefined,
      privateKey: clientPrivateJwk, keyId: 'lantern-test-key', ...over,
    }),
    start(redirectUri: string) {
      const op = new Provider(issuer, {
        clients: [
          { client_id: 'lantern', client_secret: testClientSecret, redirect_uris: [redirectUri], token_endpoint_auth_method: 'client_secret_basic' },
          {
            client_id: 'lantern-pkjwt', redirect_uris: [redirectUri], token_endpoint_auth_method: 'private_key_jwt',
            token_endpoint_auth_signing_alg: 'RS256', jwks: { keys: [clientPublicJwk as never] },
          },
        ],
        jwks: { keys: [signingKey as never] },
        cookies: { keys: ['lantern-test-provider-cookie-key'] },
        pkce: { required: () => true, methods: ['S256'] },
        features: { devInteractions: { enabled: false } },
        interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
        claims: { acr: null, amr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'tid', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'] },
        conformIdTokenClaims: false,
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
        async findAccount(_ctx, id) {
          const account = accounts.get(id);
          if (!account) return undefined;
          return { accountId: id, claims: async () => ({ sub: id, email: account.email, email_verified: account.email_verified, name: account.name, tid: account.tid }) };
        },
      });
      const callback = op.callback();
      handler = (req, res) => {
        const url = new URL(req.url ?? '/', issuer);
        if (url.pathname === '/auth' && req.method === 'GET') authorizationRequests.push(url.searchParams);
        if (url.pathname.startsWith('/interaction/')) {
          interaction(op, accounts, req, res).catch((error: Error) => { res.statusCode = 500; res.end(String(error.message)); });
          return;
        }
        callback(req, res);
      };
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return provider;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The provider's own pages: a login form (the account id), consent given at once. */
async function interaction(op: Provider, accounts: Map<string, TestAccount>, req: IncomingMessage, res: ServerResponse) {
  const details = await op.interactionDetails(req, res);
  const uid = details.uid;
  if (req.method === 'POST') {
    const body = new URLSearchParams(await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk) => { data += chunk; });
      req.on('end', () => resolve(data));
    }));
    const accountId = body.get('login') ?? '';
    const account = accounts.get(accountId);
    if (!account) {
      res.statusCode = 400;
      res.setHeader('content-type', 'text/html');
      res.end(page('Unknown account', `<p>No such account.</p><p><a href="/interaction/${escape(uid)}">Try again</a></p>`));
      return;
    }
    await op.interactionFinished(req, res, { login: { accountId, amr: account.amr, acr: account.acr } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'consent') {
    const grant = new op.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    await op.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return;
  }
  res.setHeader('content-type', 'text/html');
  res.end(page('Sign in to the test provider', `<form method="post" action="/interaction/${escape(uid)}/login">
    <label for="login">Username</label> <input id="login" name="login" autocomplete="off"> <button type="submit">Continue</button></form>`));
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
