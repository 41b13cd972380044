/** Need to know (issue 12): sharing rules and each family's consents. Spread into urls.ts like the admin area's. */
export const needToKnowPaths = {
  adminSharingRules: '/admin/sharing-rules',
  familyConsents: '/families/:familyId/consents',
  withdrawConsent: '/families/:familyId/consents/:consentId/withdraw',
} as const;

export const needToKnowApiPaths = {
  sharingRules: '/api/v1/sharing-rules',
  familyConsents: '/api/v1/families/:familyId/consents',
  withdrawConsent: '/api/v1/families/:familyId/consents/:consentId/withdraw',
} as const;

export const needToKnowUrls = {
  adminSharingRules: () => needToKnowPaths.adminSharingRules,
  familyConsents: (familyId: string) => needToKnowPaths.familyConsents.replace(':familyId', encodeURIComponent(familyId)),
  withdrawConsent: (familyId: string, consentId: string) =>
    needToKnowPaths.withdrawConsent.replace(':familyId', encodeURIComponent(familyId)).replace(':consentId', encodeURIComponent(consentId)),
};
