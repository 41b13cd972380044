/**
 * Break glass, the data protection officer's pages, subject access, legal holds and retention:
 * paths and builders, spread into urls.ts like the admin area's.
 */
export const governancePaths = {
  emergencyAccess: '/emergency-access',
  breakGlassNoticeRead: '/emergency-access/notices/:grantId/read',
  breakGlassReviews: '/emergency-access/reviews',
  breakGlassReview: '/emergency-access/reviews/:grantId',
  dpo: '/data-protection',
  dpoSeenBy: '/data-protection/seen-by',
  subjectAccess: '/data-protection/subject-access',
  subjectAccessFamily: '/data-protection/subject-access/families/:familyId',
  subjectAccessJson: '/data-protection/subject-access/people/:personId/export.json',
  subjectAccessPdf: '/data-protection/subject-access/people/:personId/export.pdf',
  legalHolds: '/data-protection/legal-holds',
  liftLegalHold: '/data-protection/legal-holds/:legalHoldId/lift',
  retentionDue: '/data-protection/retention',
  retentionDueCsv: '/data-protection/retention/due.csv',
  adminRetention: '/admin/retention',
} as const;

export const governanceApiPaths = {
  breakGlass: '/api/v1/break-glass',
  breakGlassReviews: '/api/v1/break-glass/reviews',
  breakGlassReview: '/api/v1/break-glass/reviews/:grantId',
  legalHolds: '/api/v1/legal-holds',
  liftLegalHold: '/api/v1/legal-holds/:legalHoldId/lift',
  retentionRules: '/api/v1/admin/retention',
  retentionDue: '/api/v1/retention/due',
  subjectAccess: '/api/v1/subject-access/people/:personId',
} as const;

const fill = (pattern: string, values: Record<string, string>) =>
  pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name]));

export const governanceUrls = {
  emergencyAccess: () => governancePaths.emergencyAccess,
  breakGlassNoticeRead: (grantId: string) => fill(governancePaths.breakGlassNoticeRead, { grantId }),
  breakGlassReviews: () => governancePaths.breakGlassReviews,
  breakGlassReview: (grantId: string) => fill(governancePaths.breakGlassReview, { grantId }),
  dpo: () => governancePaths.dpo,
  dpoSeenBy: () => governancePaths.dpoSeenBy,
  subjectAccess: () => governancePaths.subjectAccess,
  subjectAccessFamily: (familyId: string) => fill(governancePaths.subjectAccessFamily, { familyId }),
  subjectAccessJson: (personId: string) => fill(governancePaths.subjectAccessJson, { personId }),
  subjectAccessPdf: (personId: string) => fill(governancePaths.subjectAccessPdf, { personId }),
  legalHolds: () => governancePaths.legalHolds,
  liftLegalHold: (legalHoldId: string) => fill(governancePaths.liftLegalHold, { legalHoldId }),
  retentionDue: () => governancePaths.retentionDue,
  retentionDueCsv: () => governancePaths.retentionDueCsv,
  adminRetention: () => governancePaths.adminRetention,
};
