/** The second factor's paths and builders, spread into urls.ts. */
export const secondFactorPaths = {
  signInCode: '/sign-in/code',
  secondFactorSetUp: '/second-factor/set-up',
  secondFactorRecoveryCodes: '/second-factor/recovery-codes',
  adminUserResetSecondFactor: '/admin/users/:userId/second-factor/reset',
} as const;

export const secondFactorUrls = {
  signInCode: (next = '') => (next ? `${secondFactorPaths.signInCode}?next=${encodeURIComponent(next)}` : secondFactorPaths.signInCode),
  secondFactorSetUp: (next = '') => (next ? `${secondFactorPaths.secondFactorSetUp}?next=${encodeURIComponent(next)}` : secondFactorPaths.secondFactorSetUp),
  secondFactorRecoveryCodes: () => secondFactorPaths.secondFactorRecoveryCodes,
  adminUserResetSecondFactor: (userId: string) => secondFactorPaths.adminUserResetSecondFactor.replace(':userId', encodeURIComponent(userId)),
};
