/**
 * Every path in one place. Route patterns and the typed builders that fill them are side by
 * side, so a link can never point at a route that does not exist.
 */
export const paths = {
  home: '/',
  health: '/health',
  signIn: '/sign-in',
  signOut: '/sign-out',
  myFamilies: '/my-families',
  search: '/search',
  auditLog: '/audit',
  newFamilyHousehold: '/families/new/household',
  newFamilyMember: '/families/new/members/:memberId',
  newFamilyAddMember: '/families/new/members',
  newFamilyRemoveMember: '/families/new/members/:memberId/remove',
  newFamilyCheck: '/families/new/check',
  family: '/families/:familyId',
  editFamily: '/families/:familyId/edit',
  addMember: '/families/:familyId/members/new',
  editMember: '/families/:familyId/members/:personId/edit',
  addNeed: '/families/:familyId/members/:personId/needs/new',
  recordStatus: '/families/:familyId/members/:personId/legal-status/new',
  api: {
    openapi: '/api/v1/openapi.json',
    families: '/api/v1/families',
    search: '/api/v1/search',
    family: '/api/v1/families/:familyId',
    members: '/api/v1/families/:familyId/members',
    member: '/api/v1/families/:familyId/members/:personId',
    needs: '/api/v1/families/:familyId/members/:personId/needs',
    statuses: '/api/v1/families/:familyId/members/:personId/legal-statuses',
  },
} as const;

const fill = (pattern: string, values: Record<string, string>) =>
  pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name]));

export const urls = {
  home: () => paths.home,
  signIn: () => paths.signIn,
  signOut: () => paths.signOut,
  myFamilies: () => paths.myFamilies,
  search: (q?: string) => (q ? `${paths.search}?q=${encodeURIComponent(q)}` : paths.search),
  auditLog: () => paths.auditLog,
  newFamilyHousehold: () => paths.newFamilyHousehold,
  newFamilyAddMember: () => paths.newFamilyAddMember,
  newFamilyMember: (memberId: string) => fill(paths.newFamilyMember, { memberId }),
  newFamilyRemoveMember: (memberId: string) => fill(paths.newFamilyRemoveMember, { memberId }),
  newFamilyCheck: () => paths.newFamilyCheck,
  family: (familyId: string) => fill(paths.family, { familyId }),
  editFamily: (familyId: string) => fill(paths.editFamily, { familyId }),
  addMember: (familyId: string) => fill(paths.addMember, { familyId }),
  editMember: (familyId: string, personId: string) => fill(paths.editMember, { familyId, personId }),
  addNeed: (familyId: string, personId: string) => fill(paths.addNeed, { familyId, personId }),
  recordStatus: (familyId: string, personId: string) => fill(paths.recordStatus, { familyId, personId }),
  api: {
    family: (familyId: string) => fill(paths.api.family, { familyId }),
  },
};
export type Urls = typeof urls;
