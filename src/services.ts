import type { Clock } from './domain/clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { accessService } from './modules/access/service.ts';
import { adminService } from './modules/admin/service.ts';
import { rulesAdminService } from './modules/admin/rules-service.ts';
import { auditService } from './modules/audit/service.ts';
import { sessionsService } from './modules/sessions/service.ts';
import { secondFactorService } from './modules/access/second-factor.ts';
import { casesService } from './modules/cases/service.ts';
import { costsService } from './modules/costs/service.ts';
import { contactsService } from './modules/contacts/service.ts';
import { familiesService } from './modules/families/service.ts';
import { outcomesService } from './modules/outcomes/service.ts';
import { identificationService } from './modules/identification/service.ts';
import { jobsService } from './modules/jobs/service.ts';
import { comparePartition, explain, linkPartitions } from './domain/linkage/index.ts';
import { linkOffThread } from './modules/identification/link-thread.ts';
import { needsAnalysisService } from './modules/needs-analysis/service.ts';
import { plansService } from './modules/plans/service.ts';
import { referralsService } from './modules/referrals/service.ts';
import { workService } from './modules/work/service.ts';
import { directoryService } from './modules/directory/service.ts';
import { signpostingService } from './modules/directory/signposting.ts';
import { useGovukZodMessages } from './domain/zod-messages.ts';
import { needToKnowService } from './modules/need-to-know/service.ts';
import { governanceService } from './modules/governance/service.ts';
import { ssoService, type SsoOptions } from './modules/sso/service.ts';

/** The composition root: every service, built from the one database. The app takes this object. */
export function services(db: Database, config: Pick<Config, 'sessionHours' | 'breakGlassHours'> & { clock: Clock; sso?: SsoOptions; worker?: Config['worker']; matchingPartitions?: number; matchingThreads?: number }) {
  useGovukZodMessages();
  const { clock } = config;
  // The background job queue: this process runs jobs too unless LANTERN_WORKER=separate.
  const jobs = jobsService(db, { clock, mode: config.worker ?? 'in-process' });
  const families = familiesService(db, { clock });
  const cases = casesService(db, { clock });
  const plans = plansService(db, cases, { clock });
  const contacts = contactsService(db, cases, { clock });
  const costs = costsService(db, { clock });
  const outcomes = outcomesService(db, cases, { clock });
  const access = accessService(db, { sessionHours: config.sessionHours, clock });
  const admin = adminService(db, { get: () => families.levelOfNeedRules(), set: (actor, rules) => families.setLevelOfNeedRules(actor, rules) }, { clock });
  const identification = identificationService(db, {
    // Matching shares its comparisons between threads when configured to (default one: the tests),
    // away from the thread that answers pages.
    clock, engine: { link: (records, options) => linkOffThread(records, options ?? {}, config.matchingThreads ?? 1), explain, comparePartition, linkPartitions }, jobs, partitions: config.matchingPartitions,
    costRates: async () => (await costs.list()).map((c) => ({ key: c.key, label: c.label, amountPence: c.amountPence, unit: c.unit })),
    levelRules: () => families.levelOfNeedRules(),
    // Measures that arrive through agency data fill the matched family's cases (empty fields only, audited).
    afterRun: async (matched) => {
      for (const f of matched) await outcomes.fillFromLinkedRecords(f.familyId, f.people);
    },
  });
  const directory = directoryService(db, { clock });
  return {
    db,
    // The one source of "today" and "now" for every route, page, job and command.
    clock,
    access,
    audit: auditService(db),
    sessions: sessionsService(db, { clock }),
    // Time-based one-time codes after the password (real time: the codes come from phones).
    secondFactor: secondFactorService(db, { clock }),
    admin,
    // Single sign-on through OpenID Connect issuers; approving a waiting person adds a user through the admin area.
    sso: ssoService(db, config.sso ?? { issuers: [], localPasswordsOff: false, baseUrl: 'http://localhost:3000' }, {
      access, clock, addUser: (tx, actor, body) => admin.addSsoUser(tx, actor, body),
      invitation: (tx, token) => admin.invitationInTransaction(tx, token), useInvitation: (tx, token, userId, ip, issuerId) => admin.useInvitationForSso(tx, token, userId, ip, issuerId),
    }),
    families,
    // Need to know: sharing rules and each family's consents (issue 12).
    needToKnow: needToKnowService(db, { clock }),
    cases,
    referrals: referralsService(db, families, { clock }),
    // My work draws due items from the plans and contacts modules through their services.
    work: workService(db, cases, {
      clock,
      dueSources: [(tx, caseIds) => plans.dueItems(tx, caseIds)],
      contactSource: (tx, caseIds) => contacts.lastContacts(tx, caseIds),
    }),
    needsAnalysis: needsAnalysisService(db, { clock }),
    // Loading extracts and matching run as background jobs on this queue (src/modules/jobs).
    jobs,
    // Identification feeds agency records to the linkage engine and prices households from the unit-cost table.
    identification,
    // The identification and claim rules as plain forms in the admin area (they stay stored where they were).
    rulesAdmin: rulesAdminService(db, { identification, claims: outcomes }),
    plans,
    contacts,
    // Unit costs, the deflator and cost-benefit analyses; list()/get(key) are reference data for any module.
    costs,
    outcomes,
    // The service directory (Families Information Service): public search, Open Referral UK API and feeds.
    directory,
    // Signposting and referring a family to a directory service from a case.
    signposting: signpostingService(db, { clock, cases, choices: () => directory.signpostChoices() }),
    // Break glass, the data protection officer's work, subject access, legal holds and retention.
    governance: governanceService(db, { clock, breakGlassHours: config.breakGlassHours }),
  };
}

export type Services = ReturnType<typeof services>;
