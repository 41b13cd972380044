import { readFileSync } from 'node:fs';

/**
 * The Open Referral UK API description this module follows, copied unchanged from
 * OpenReferralUK/uk-profile (CC BY-SA 4.0, see OPENAPI-LICENCE.md), served at /openreferral/openapi.json.
 */
export const openApiDescription = readFileSync(new URL('./openapi.json', import.meta.url), 'utf8');
