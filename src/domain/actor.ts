import type { UserRole } from './codes.ts';

/** The signed-in person doing something, passed to every use case. */
export interface Actor {
  id: string;
  role: UserRole;
  displayName: string;
  agencyId: string;
  teamId: string | null;
  ip: string;
  /** When the request was made, by the app's clock (src/services.ts): time-limited grants (break glass) end by it. Absent: no such grant counts. */
  now?: Date;
}
