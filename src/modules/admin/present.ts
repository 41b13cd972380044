import { londonDate, londonTime } from '../../domain/clock.ts';
import { agencyKindLabels, userRoles, type UserRole } from '../../domain/codes.ts';
import { formatDate } from '../../domain/dates.ts';

export const userRoleLabels: Record<UserRole, string> = {
  practitioner: 'Practitioner', manager: 'Manager', analyst: 'Analyst', administrator: 'Administrator', dpo: 'Data protection officer',
};

export const userRoleHints: Record<UserRole, string> = {
  practitioner: 'Works with families: casework, plans and contacts',
  manager: 'Manages teams: screens referrals and allocates cases',
  analyst: 'Needs analysis, identification and reports',
  administrator: 'Users, agencies, teams, programmes and the audit log',
  dpo: 'Who has seen any family, break glass reviews, subject access and legal holds; no casework',
};

export const roleOptions = userRoles.map((value) => ({ value, text: userRoleLabels[value], hint: { text: userRoleHints[value] } }));
export const agencyKindOptions = Object.entries(agencyKindLabels).map(([value, text]) => ({ value, text }));

/** "4 December 2026 at 3:05pm", in London time (GOV.UK style). */
export function ukDateTime(instant: Date | string | null | undefined): string {
  if (!instant) return '';
  const at = instant instanceof Date ? instant : new Date(instant);
  const [h, m] = londonTime(at).split(':').map(Number);
  const clock = `${h % 12 || 12}${m ? `:${String(m).padStart(2, '0')}` : ''}${h < 12 ? 'am' : 'pm'}`;
  return `${formatDate(londonDate(at))} at ${clock}`;
}

export function userStatus(u: { active: boolean; invited: boolean }): string {
  return !u.active ? 'Disabled' : u.invited ? 'Invited' : 'Active';
}
