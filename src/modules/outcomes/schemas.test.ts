import { describe, expect, it } from 'vitest';
import { defaultClaimSettings } from '../../domain/outcomes/claims.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { claimSettingsSchema } from './schemas.ts';

describe('the claim rules as saved', () => {
  it('keeps the phase 2 preset’s amounts whatever amounts are sent with it', () => {
    expect(claimSettingsSchema.parse({ ...defaultClaimSettings, attachmentFee: 5, resultsPayment: 5, upfrontFunding: 5 }))
      .toMatchObject({ paymentModel: 'troubled_families_phase_2', attachmentFee: 1000, resultsPayment: 800, upfrontFunding: 0 });
  });

  it('reads rules saved before the payment models existed as the phase 2 preset', () => {
    const { paymentModel: _m, upfrontFunding: _u, ...old } = defaultClaimSettings;
    expect(claimSettingsSchema.parse({ ...old, employmentRoute: false })).toMatchObject({ paymentModel: 'troubled_families_phase_2', attachmentFee: 1000, resultsPayment: 800 });
  });

  it('asks for the council’s own amounts under Supporting Families 2022 to 2025, and has no attachment fee', () => {
    const parsed = claimSettingsSchema.safeParse({ ...defaultClaimSettings, paymentModel: 'supporting_families_2022_25', resultsPayment: undefined, upfrontFunding: undefined });
    expect(parsed.success ? {} : fieldErrors(parsed.error)).toEqual({
      resultsPayment: 'Enter the results payment for each family, from the council’s grant',
      upfrontFunding: 'Enter the council’s upfront funding for the period, from its grant',
    });
    expect(claimSettingsSchema.parse({ ...defaultClaimSettings, paymentModel: 'supporting_families_2022_25', upfrontFunding: 250_000, resultsPayment: 900 }))
      .toMatchObject({ attachmentFee: 0, upfrontFunding: 250_000, resultsPayment: 900 });
  });
});
