import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issuerAssertsMfa } from './service.ts';
import { parseSsoConfig, SsoConfigError } from './config.ts';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const entra = { id: 'entra', label: 'Northvale Council account', issuer: `https://login.microsoftonline.com/${tenant}/v2.0`, clientId: 'c1', tenantId: tenant };
const cis2 = { id: 'nhs-cis2', label: 'NHS smartcard', issuer: 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare', clientId: 'c2', authMethod: 'private_key_jwt', keyId: 'k1', keyAlg: 'RS512', mfaAcr: ['AAL3_ANY'] };
const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const parse = (issuers: unknown, extra: Record<string, string> = {}) => parseSsoConfig({ LANTERN_OIDC_ISSUERS: JSON.stringify(issuers), ...extra });
const refusal = (f: () => unknown) => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(SsoConfigError); return (e as Error).message; }
  throw new Error('expected a configuration error');
};

describe('single sign-on configuration', () => {
  it('has no issuers and passwords on when nothing is set', () => {
    expect(parseSsoConfig({})).toEqual({ issuers: [], localPasswordsOff: false });
  });

  it('reads Entra ID and NHS CIS2 issuers, with secrets and keys from their own variables', () => {
    const settings = parse([entra, cis2], { LANTERN_OIDC_ENTRA_CLIENT_SECRET: 's3cret', LANTERN_OIDC_NHS_CIS2_PRIVATE_KEY: pem, LANTERN_LOCAL_PASSWORDS: 'off' });
    expect(settings.localPasswordsOff).toBe(true);
    expect(settings.issuers[0]).toEqual({ ...entra, authMethod: 'client_secret_basic', scopes: 'openid email profile', mfaAcr: [], trustEmail: false, keyAlg: 'RS256', clientSecret: 's3cret' });
    expect(settings.issuers[1]).toMatchObject({ id: 'nhs-cis2', authMethod: 'private_key_jwt', keyAlg: 'RS512', privateKey: pem, mfaAcr: ['AAL3_ANY'] });
    expect(settings.issuers[1].clientSecret).toBeUndefined();
  });

  it('says clearly what is wrong', () => {
    const secret = { LANTERN_OIDC_ENTRA_CLIENT_SECRET: 'x', LANTERN_OIDC_OTHER_CLIENT_SECRET: 'y' };
    expect(refusal(() => parseSsoConfig({ LANTERN_OIDC_ISSUERS: '[{"id": ' }))).toMatch(/^LANTERN_OIDC_ISSUERS is not valid JSON/);
    expect(refusal(() => parse({}))).toBe('LANTERN_OIDC_ISSUERS must be a JSON list of issuers, like [{"id":"entra",...}]');
    expect(refusal(() => parse([{ ...entra, issuer: 'http://idp.example' }], secret)))
      .toBe('LANTERN_OIDC_ISSUERS issuer 1 ("entra"): issuer must be an https:// address (plain http is allowed only in tests)');
    expect(refusal(() => parse([{ ...entra, tenantId: undefined }], secret)))
      .toBe('LANTERN_OIDC_ISSUERS issuer 1 ("entra"): an Entra ID issuer needs tenantId, the tenant whose people may sign in');
    expect(refusal(() => parse([{ ...entra, tenantId: 'contoso' }], secret))).toBe('LANTERN_OIDC_ISSUERS issuer 1 ("entra"): tenantId must be the Entra tenant id, a GUID');
    expect(refusal(() => parse([entra]))).toBe('LANTERN_OIDC_ENTRA_CLIENT_SECRET is not set: issuer "entra" signs in with client_secret_basic');
    expect(refusal(() => parse([cis2]))).toBe('LANTERN_OIDC_NHS_CIS2_PRIVATE_KEY is not set: issuer "nhs-cis2" signs in with private_key_jwt');
    expect(refusal(() => parse([cis2], { LANTERN_OIDC_NHS_CIS2_PRIVATE_KEY: 'not a key' }))).toMatch(/^LANTERN_OIDC_NHS_CIS2_PRIVATE_KEY is not a private key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(refusal(() => parse([cis2], { LANTERN_OIDC_NHS_CIS2_PRIVATE_KEY: ec }))).toBe('LANTERN_OIDC_NHS_CIS2_PRIVATE_KEY is an ec key, but keyAlg RS512 needs an RSA key');
    expect(parse([{ ...cis2, keyAlg: 'ES256' }], { LANTERN_OIDC_NHS_CIS2_PRIVATE_KEY: ec }).issuers[0].keyAlg).toBe('ES256');
    expect(refusal(() => parse([entra, { ...entra, label: 'Again' }], secret))).toBe('LANTERN_OIDC_ISSUERS issuer 2 ("entra"): another issuer already has the id "entra"');
    expect(refusal(() => parse([{ ...entra, authMethod: 'none' }], secret))).toMatch(/authMethod must be one of client_secret_basic, client_secret_post, private_key_jwt/);
    expect(refusal(() => parse([{ ...entra, clientSecret: 'in the JSON' }], secret))).toMatch(/Unrecognized key/i);
    expect(refusal(() => parse([{ ...entra, scopes: 'email profile' }], secret))).toMatch(/scopes must include openid/);
    expect(refusal(() => parse([{ ...entra, id: 'Has Spaces' }], secret))).toMatch(/id must be 1 to 40 lower-case letters/);
    expect(refusal(() => parseSsoConfig({ LANTERN_LOCAL_PASSWORDS: 'no' }))).toBe('LANTERN_LOCAL_PASSWORDS must be "on" or "off", not "no"');
    expect(refusal(() => parseSsoConfig({ LANTERN_LOCAL_PASSWORDS: 'off' }))).toMatch(/needs at least one issuer/);
  });

  it('counts multi-factor authentication from amr, or from a configured acr', () => {
    expect(issuerAssertsMfa({ amr: ['pwd'] }, [])).toBe(false);
    expect(issuerAssertsMfa({ amr: ['pwd', 'mfa'] }, [])).toBe(true);
    expect(issuerAssertsMfa({ amr: ['otp'] }, [])).toBe(true);
    expect(issuerAssertsMfa({ amr: 'mfa' }, [])).toBe(false);
    expect(issuerAssertsMfa({ acr: 'AAL3_ANY' }, ['AAL3_ANY'])).toBe(true);
    expect(issuerAssertsMfa({ acr: 'AAL1' }, ['AAL3_ANY'])).toBe(false);
    expect(issuerAssertsMfa({}, [])).toBe(false);
  });
});
