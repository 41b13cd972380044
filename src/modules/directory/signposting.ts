/**
 * Signposting and referring a family to a directory service from a case: recorded on the case and
 * (as a case event) in the family chronology; offered at closure as the step-down destination; the
 * ones the practitioner chose go into the family's letter under "Services near you".
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { LetterService } from '../../domain/casework/letters.ts';
import type { Clock } from '../../domain/clock.ts';
import { ValidationError } from '../../domain/errors.ts';
import { requireFeature } from '../access/policy.ts';
import type { CasesService } from '../cases/service.ts';

export const signpostKinds = ['signposted', 'referred'] as const;
export const signpostKindLabels: Record<(typeof signpostKinds)[number], string> = { signposted: 'Signposted', referred: 'Referred' };

/** Signposting a family: which service, how, a note, and whether it goes in the family's letter. Every problem at once. */
export const signpostSchema = z.object({
  serviceId: z.uuid({ error: 'Choose a service from the directory' }),
  kind: z.enum(signpostKinds, { error: 'Choose whether you signposted or referred the family' }),
  note: z.string({ error: 'The note must be text' }).trim().max(1000, { error: 'The note must be 1,000 characters or fewer' }).default(''),
  inLetter: z.union([z.literal('yes'), z.literal('')], { error: 'Choose whether to add it to the family’s letter' }).optional().transform((v) => v === 'yes'),
});

export interface SignpostRow {
  id: string; service_id: string; kind: (typeof signpostKinds)[number]; note: string; in_letter: boolean; recorded_at: Date; recorded_by_name: string;
  name: string; organisation: string | null; status: string; email: string | null; url: string | null; hide_address: boolean;
  contacts: Record<string, unknown>[]; address_1: string | null; city: string | null; postal_code: string | null;
}

export const signpostRepository = {
  forCase: (q: Queryable, caseId: string) => q.query<SignpostRow>(
    `SELECT cs.id, cs.service_id, cs.kind, cs.note, cs.in_letter, cs.recorded_at, u.display_name AS recorded_by_name,
            s.name, o.name AS organisation, s.status, s.email, s.url, s.hide_address, s.contacts, l.address_1, l.city, l.postal_code
       FROM case_directory_service cs
       JOIN directory_service s ON s.id = cs.service_id
       JOIN app_user u ON u.id = cs.recorded_by
       LEFT JOIN directory_organization o ON o.id = s.organization_id
       LEFT JOIN LATERAL (SELECT l.address_1, l.city, l.postal_code FROM directory_service_at_location sal JOIN directory_location l ON l.id = sal.location_id
                           WHERE sal.service_id = s.id ORDER BY sal.id LIMIT 1) l ON true
      WHERE cs.case_id = $1 ORDER BY cs.recorded_at, cs.id`, [caseId]),

  async activeService(q: Queryable, id: string) {
    const [row] = await q.query<{ id: string; name: string; organisation: string | null }>(
      `SELECT s.id, s.name, o.name AS organisation FROM directory_service s LEFT JOIN directory_organization o ON o.id = s.organization_id
        WHERE s.id = $1 AND s.status = 'active'`, [id]);
    return row ?? null;
  },

  insert: (q: Queryable, r: { id: string; caseId: string; serviceId: string; kind: string; note: string; inLetter: boolean; by: string; at: Date }) =>
    q.query(`INSERT INTO case_directory_service (id, case_id, service_id, kind, note, in_letter, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [r.id, r.caseId, r.serviceId, r.kind, r.note, r.inLetter, r.by, r.at]),

  caseEvent: (q: Queryable, caseId: string, state: string, event: string, by: string, note: string, at: Date) =>
    q.query('INSERT INTO case_event (case_id, event, from_state, to_state, by_user, note, at) VALUES ($1, $2, $3, $3, $4, $5, $6)', [caseId, event, state, by, note, at]),
};

/** How a family reaches a service, for the letter (a hidden address is never written in). */
export function letterService(r: SignpostRow): LetterService {
  const phones = r.contacts.flatMap((c) => (Array.isArray(c.phones) ? (c.phones as Record<string, unknown>[]) : []))
    .map((p) => (typeof p.number === 'string' ? p.number : '')).filter(Boolean);
  return {
    name: r.name, organisation: r.organisation ?? '', phone: phones[0] ?? '', email: r.email ?? '', website: r.url ?? '', hiddenAddress: r.hide_address,
    address: r.hide_address ? '' : [r.address_1, r.city, r.postal_code].filter(Boolean).join(', '),
  };
}

export function signpostingService(db: Database, { clock, cases, choices }: {
  clock: Clock; cases: CasesService; choices: () => Promise<{ id: string; name: string; organisation: string }[]>;
}) {
  return {
    /** The directory services this family was signposted or referred to on the case, and the services to choose from. */
    async caseSignposts(actor: Actor, caseId: string) {
      // Read before the case's transaction: PGlite has one connection, which the transaction holds.
      const services = await choices();
      return cases.withCase(actor, caseId, 'view-case-signposts', async (tx, c) => ({
        case: { id: c.id, reference: c.reference, familyId: c.family_id, familyName: c.family_name, state: c.state },
        signposts: await signpostRepository.forCase(tx, caseId),
        choices: c.state === 'closed' ? [] : services,
      }));
    },

    async signpost(actor: Actor, caseId: string, body: Record<string, unknown>) {
      await requireFeature(actor, 'casework.write', 'Only practitioners and managers can signpost families to services');
      const parsed = signpostSchema.safeParse(body);
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'serviceId')] ??= issue.message;
        throw new ValidationError(errors);
      }
      const f = parsed.data;
      return cases.withCase(actor, caseId, 'signpost-family', async (tx, c) => {
        if (c.state === 'closed') throw new ValidationError({ serviceId: 'This case is closed: services can no longer be added to it' });
        const service = await signpostRepository.activeService(tx, f.serviceId);
        if (!service) throw new ValidationError({ serviceId: 'Choose a service from the directory' });
        const at = clock.now();
        const id = randomUUID();
        await signpostRepository.insert(tx, { id, caseId, serviceId: f.serviceId, kind: f.kind, note: f.note, inLetter: f.inLetter, by: actor.id, at });
        const who = service.organisation && service.organisation !== service.name ? `${service.name} (${service.organisation})` : service.name;
        await signpostRepository.caseEvent(tx, caseId, c.state, f.kind === 'referred' ? 'directory_referral' : 'directory_signpost', actor.id,
          [who, f.note].filter(Boolean).join('. '), at);
        return id;
      });
    },
  };
}
export type SignpostingService = ReturnType<typeof signpostingService>;
