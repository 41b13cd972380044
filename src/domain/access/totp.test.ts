import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, otpauthUri, totpCode, verifyTotp } from './totp.ts';

// RFC 6238 appendix B: the seeds are ASCII "1234567890" repeated to the hash's length.
const sha1Key = Buffer.from('12345678901234567890');
const sha256Key = Buffer.from('12345678901234567890123456789012');
const sha512Key = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234');

describe('TOTP (RFC 6238)', () => {
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  for (const [seconds, sha1, sha256, sha512] of vectors) {
    it(`gives the RFC's 8-digit codes at T = ${seconds}`, () => {
      expect(totpCode(sha1Key, seconds * 1000, { digits: 8 })).toBe(sha1);
      expect(totpCode(sha256Key, seconds * 1000, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
      expect(totpCode(sha512Key, seconds * 1000, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
    });
  }

  it('gives RFC 4226 HOTP codes (appendix D)', () => {
    expect([0, 1, 2, 9].map((c) => hotp(sha1Key, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it('round-trips base32 and reads it in groups, in any case', () => {
    expect(base32Encode(Buffer.from('12345678901234567890'))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('gezd gnbv-gy3t qojq gezd gnbv gy3t qojq').toString()).toBe('12345678901234567890');
    expect(() => base32Decode('GEZ1')).toThrow();
  });

  const t = 1_700_000_000_000;
  it('accepts the code of the step before, now and after, and no further', () => {
    const step = Math.floor(t / 30000);
    expect(verifyTotp(sha1Key, totpCode(sha1Key, t), t, 0)).toBe(step);
    expect(verifyTotp(sha1Key, totpCode(sha1Key, t - 30000), t, 0)).toBe(step - 1);
    expect(verifyTotp(sha1Key, totpCode(sha1Key, t + 30000), t, 0)).toBe(step + 1);
    expect(verifyTotp(sha1Key, totpCode(sha1Key, t - 60000), t, 0)).toBeNull();
    expect(verifyTotp(sha1Key, totpCode(sha1Key, t + 60000), t, 0)).toBeNull();
  });

  it('refuses a code already used: its step, or any before the last used', () => {
    const code = totpCode(sha1Key, t);
    const used = verifyTotp(sha1Key, code, t, 0)!;
    expect(verifyTotp(sha1Key, code, t, used)).toBeNull();
    expect(verifyTotp(sha1Key, totpCode(sha1Key, t - 30000), t, used)).toBeNull();
    expect(verifyTotp(sha1Key, totpCode(sha1Key, t + 30000), t, used)).toBe(used + 1);
  });

  it('refuses what is not six digits, and tolerates spaces', () => {
    const code = totpCode(sha1Key, t);
    expect(verifyTotp(sha1Key, `${code.slice(0, 3)} ${code.slice(3)}`, t, 0)).not.toBeNull();
    expect(verifyTotp(sha1Key, 'abcdef', t, 0)).toBeNull();
    expect(verifyTotp(sha1Key, code.slice(0, 5), t, 0)).toBeNull();
  });

  it('writes the otpauth URI an authenticator app reads', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'ada@northvale.example', 'Lantern'))
      .toBe('otpauth://totp/Lantern:ada%40northvale.example?secret=JBSWY3DPEHPK3PXP&issuer=Lantern&algorithm=SHA1&digits=6&period=30');
  });
});
