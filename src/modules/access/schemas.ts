import { z } from 'zod';

/**
 * The access forms' schemas (issue 15 item 11: zod for every form, no checks by hand). Whether a
 * code is right needs the secret, and is checked once the form itself is right.
 */

/** The 6-digit code that confirms an authenticator app on the set-up page. */
export const secondFactorCodeSchema = z.object({
  code: z.string({ error: 'Enter the 6-digit code from your authenticator app' }).trim()
    .min(1, 'Enter the 6-digit code from your authenticator app').max(20, 'Enter the 6-digit code from your authenticator app, without spaces'),
});

/** An administrator lets a locked email address sign in again. */
export const unlockSignInSchema = z.object({
  email: z.string({ error: 'Enter the email address of the account to unlock' }).trim()
    .min(1, 'Enter the email address of the account to unlock').max(320, 'The email address must be 320 characters or fewer'),
});
