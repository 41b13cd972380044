/** Single sign-on's paths and builders, kept beside urls.ts (which spreads them in). */
export const ssoPaths = {
  ssoSignIn: '/sso/sign-in',
  ssoCallback: '/sso/callback',
  ssoPending: '/sso/pending',
  ssoReauth: '/sso/reauth',
  adminSignInSettings: '/admin/sign-in-settings',
  adminPendingPeople: '/admin/pending-people',
  adminPendingPerson: '/admin/pending-people/:pendingPersonId',
  adminPendingPersonRefuse: '/admin/pending-people/:pendingPersonId/refuse',
  adminUserSsoUnlink: '/admin/users/:userId/single-sign-on/:ssoIdentityId/unlink',
  // Taking up an invitation link through an issuer (the link's secret is the id, as on /invitations/:invitationId).
  invitationSignIn: '/invitations/:invitationId/single-sign-on',
} as const;

const one = (pattern: string) => (id: string) => pattern.replace(/:\w+/, encodeURIComponent(id));

export const ssoUrls = {
  /** issuer: the configured issuer's short id (never anything about the person). */
  ssoSignIn: (issuerId: string, next = '') => `${ssoPaths.ssoSignIn}?${new URLSearchParams({ issuer: issuerId, ...(next ? { next } : {}) })}`,
  ssoCallback: () => ssoPaths.ssoCallback,
  ssoPending: () => ssoPaths.ssoPending,
  /** Sends a person who signed in through an issuer back to it to prove who they are again, then to returnTo (a path of Lantern's). */
  ssoReauth: (returnTo: string) => `${ssoPaths.ssoReauth}?${new URLSearchParams({ returnTo })}`,
  adminSignInSettings: () => ssoPaths.adminSignInSettings,
  adminPendingPeople: () => ssoPaths.adminPendingPeople,
  adminPendingPerson: one(ssoPaths.adminPendingPerson),
  adminPendingPersonRefuse: one(ssoPaths.adminPendingPersonRefuse),
  adminUserSsoUnlink: (userId: string, ssoIdentityId: string) =>
    ssoPaths.adminUserSsoUnlink.replace(':userId', encodeURIComponent(userId)).replace(':ssoIdentityId', encodeURIComponent(ssoIdentityId)),
  invitationSignIn: (invitationId: string, issuerId: string) => `${one(ssoPaths.invitationSignIn)(invitationId)}?${new URLSearchParams({ issuer: issuerId })}`,
};
