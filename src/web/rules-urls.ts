/** The rule forms' paths (spread into urls.ts) and the rules' API paths. */
export const rulesPaths = {
  adminIdentificationRules: '/admin/identification-rules',
  adminClaimRules: '/admin/claim-rules',
} as const;

export const rulesUrls = {
  adminIdentificationRules: () => rulesPaths.adminIdentificationRules,
  adminClaimRules: () => rulesPaths.adminClaimRules,
};

export const rulesApiPaths = {
  levelOfNeedRules: '/api/v1/level-of-need-rules',
  identificationRules: '/api/v1/identification-rules',
} as const;
