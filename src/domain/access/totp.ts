import { createHmac } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), as authenticator apps make them:
 * HMAC-SHA-1, 30-second steps, 6 digits. Pure: the caller passes the instant (real time, never the
 * business clock) and the last step already used, so a code cannot be used twice.
 */

export const totpStepSeconds = 30;
export const totpDigits = 6;
/** Steps either side of now that are accepted, for clocks a little out. */
export const totpWindow = 1;

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (how otpauth:// URIs carry the secret). */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Reads base32, ignoring spaces, hyphens, padding and case (people copy secrets in groups). */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** RFC 4226 HOTP: the code for one counter value. */
export function hotp(key: Uint8Array, counter: number, digits = totpDigits, algorithm: TotpAlgorithm = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The 30-second step an instant falls in. */
export function totpStep(instantMs: number, stepSeconds = totpStepSeconds): number {
  return Math.floor(instantMs / 1000 / stepSeconds);
}

/** The code at an instant. */
export function totpCode(key: Uint8Array, instantMs: number, options: { digits?: number; algorithm?: TotpAlgorithm; stepSeconds?: number } = {}): string {
  return hotp(key, totpStep(instantMs, options.stepSeconds), options.digits, options.algorithm);
}

/**
 * The step a code matches, within one step either side of now and later than `lastUsedStep`, or
 * null. A code already used (its step at or before the last used one) is refused.
 */
export function verifyTotp(key: Uint8Array, code: string, instantMs: number, lastUsedStep: number): number | null {
  const typed = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(typed)) return null;
  const now = totpStep(instantMs);
  for (let step = now - totpWindow; step <= now + totpWindow; step++) {
    if (step <= lastUsedStep) continue;
    if (hotp(key, step) === typed) return step;
  }
  return null;
}

/** What an authenticator app scans or is given: otpauth://totp/Issuer:account?secret=...&issuer=... */
export function otpauthUri(secretBase32: string, account: string, issuer: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret: secretBase32, issuer, algorithm: 'SHA1', digits: String(totpDigits), period: String(totpStepSeconds) });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/** A secret in groups of four for a person to type: "JBSW Y3DP EHPK 3PXP". */
export function groupedSecret(secretBase32: string): string {
  return secretBase32.match(/.{1,4}/g)?.join(' ') ?? '';
}

/** Recovery codes as people type them: case, spaces and hyphens do not matter. */
export function normaliseRecoveryCode(text: string): string {
  return text.toLowerCase().replace(/[\s-]/g, '');
}
