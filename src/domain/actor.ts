import type { UserRole } from './codes.ts';

/** The signed-in person doing something, passed to every use case. */
export interface Actor {
  id: string;
  role: UserRole;
  displayName: string;
  agencyId: string;
  teamId: string | null;
  ip: string;
}
