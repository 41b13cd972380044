import type { Database } from '../../src/db/database.ts';
import { base32Decode, totpCode } from '../../src/domain/access/totp.ts';

/**
 * The code a person's authenticator app shows now, from the secret Lantern holds for them. A real
 * person signs in at most once a step; the tests sign the same person in many times within one
 * 30-second step, so the harness first forgets the last used step (the replay rule is tested on
 * its own in second-factor.test.ts).
 */
export async function currentCode(db: Database, email: string): Promise<string> {
  await db.query('UPDATE second_factor SET last_step = 0 WHERE user_id = (SELECT id FROM app_user WHERE lower(email) = lower($1))', [email]);
  const [row] = await db.query<{ secret: string }>(
    'SELECT sf.secret FROM second_factor sf JOIN app_user u ON u.id = sf.user_id WHERE lower(u.email) = lower($1)', [email]);
  if (!row) throw new Error(`${email} has no second factor`);
  return totpCode(base32Decode(row.secret), Date.now());
}

/** The code for a secret shown on the set-up page. */
export function codeFor(secretShown: string): string {
  return totpCode(base32Decode(secretShown), Date.now());
}
