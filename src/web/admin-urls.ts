/**
 * The admin area's paths and builders, kept beside urls.ts (which spreads them in) so the admin
 * area's routes are listed in one place.
 */
export const adminPaths = {
  admin: '/admin',
  adminUsers: '/admin/users',
  adminNewUser: '/admin/users/new',
  adminUser: '/admin/users/:userId',
  adminUserInvited: '/admin/users/:userId/invitation',
  adminUserReinvite: '/admin/users/:userId/invitation/new',
  adminUserDisable: '/admin/users/:userId/disable',
  adminUserEnable: '/admin/users/:userId/enable',
  adminAgencies: '/admin/agencies',
  adminNewAgency: '/admin/agencies/new',
  adminAgency: '/admin/agencies/:agencyId',
  adminTeams: '/admin/teams',
  adminNewTeam: '/admin/teams/new',
  adminTeam: '/admin/teams/:teamId',
  adminDistricts: '/admin/districts',
  adminNewDistrict: '/admin/districts/new',
  adminDistrict: '/admin/districts/:districtId',
  adminProgrammes: '/admin/programmes',
  adminNewProgramme: '/admin/programmes/new',
  adminProgramme: '/admin/programmes/:programmeId',
  adminLevelRules: '/admin/level-of-need-rules',
  auditLogCsv: '/audit/events.csv',
  sessions: '/sessions',
  endSession: '/sessions/:sessionId/end',
  adminUserEndSessions: '/admin/users/:userId/sessions/end',
  auditLogPage: '/audit',
  // The id is the invitation's secret itself (a random UUID), handed to the person by their administrator.
  invitation: '/invitations/:invitationId',
} as const;

export const adminApiPaths = {
  users: '/api/v1/users',
  user: '/api/v1/users/:userId',
  userInvitation: '/api/v1/users/:userId/invitation',
  userDisable: '/api/v1/users/:userId/disable',
  userEnable: '/api/v1/users/:userId/enable',
  agencies: '/api/v1/agencies',
  agency: '/api/v1/agencies/:agencyId',
  teams: '/api/v1/teams',
  team: '/api/v1/teams/:teamId',
  districts: '/api/v1/districts',
  district: '/api/v1/districts/:districtId',
  adminProgrammes: '/api/v1/admin/programmes',
  adminProgramme: '/api/v1/admin/programmes/:programmeId',
} as const;

function withQuery(path: string, query: Record<string, string>): string {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined)).toString();
  return q ? `${path}?${q}` : path;
}

const one = (pattern: string, name: string) => (id: string) => pattern.replace(`:${name}`, encodeURIComponent(id));

export const adminUrls = {
  admin: () => adminPaths.admin,
  adminUsers: () => adminPaths.adminUsers,
  adminNewUser: () => adminPaths.adminNewUser,
  adminUser: one(adminPaths.adminUser, 'userId'),
  adminUserInvited: one(adminPaths.adminUserInvited, 'userId'),
  adminUserReinvite: one(adminPaths.adminUserReinvite, 'userId'),
  adminUserDisable: one(adminPaths.adminUserDisable, 'userId'),
  adminUserEnable: one(adminPaths.adminUserEnable, 'userId'),
  adminAgencies: () => adminPaths.adminAgencies,
  adminNewAgency: () => adminPaths.adminNewAgency,
  adminAgency: one(adminPaths.adminAgency, 'agencyId'),
  adminTeams: () => adminPaths.adminTeams,
  adminNewTeam: () => adminPaths.adminNewTeam,
  adminTeam: one(adminPaths.adminTeam, 'teamId'),
  adminDistricts: () => adminPaths.adminDistricts,
  adminNewDistrict: () => adminPaths.adminNewDistrict,
  adminDistrict: one(adminPaths.adminDistrict, 'districtId'),
  adminProgrammes: () => adminPaths.adminProgrammes,
  adminNewProgramme: () => adminPaths.adminNewProgramme,
  adminProgramme: one(adminPaths.adminProgramme, 'programmeId'),
  adminLevelRules: () => adminPaths.adminLevelRules,
  sessions: () => adminPaths.sessions,
  endSession: one(adminPaths.endSession, 'sessionId'),
  adminUserEndSessions: one(adminPaths.adminUserEndSessions, 'userId'),
  /** The audit viewer's filters carried into a CSV download or the next page. */
  auditLogCsv: (query: Record<string, string> = {}) => withQuery(adminPaths.auditLogCsv, query),
  auditLogPage: (query: Record<string, string> = {}) => withQuery(adminPaths.auditLogPage, query),
  invitation: one(adminPaths.invitation, 'invitationId'),
};
