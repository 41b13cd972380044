import type { FastifyInstance } from 'fastify';
import { idParam, invalidRequest, json, oa, requestBody, unauthorised } from './web/openapi-parts.ts';
import { familySchema, familyUpdateSchema, memberSchema, memberUpdateSchema, needSchema, statusSchema } from './modules/families/schemas.ts';
import { joinDecisionSchema, joinRequestSchema, referralDetailsSchema, referralSchema, screeningSchema } from './modules/referrals/schemas.ts';
import { closureSchema, followUpRecordSchema } from './modules/work/schemas.ts';
import { planApiPaths, planApiSchemas } from './modules/plans/openapi.ts';
import { contactApiPaths, contactApiSchemas } from './modules/contacts/openapi.ts';
import { identificationApiPaths } from './modules/identification/openapi.ts';
import { costApiPaths, costApiSchemas } from './modules/costs/openapi.ts';
import { outcomesApiPaths, outcomesApiSchemas } from './modules/outcomes/openapi.ts';
import { adminApiPaths, adminApiSchemas } from './modules/admin/openapi.ts';
import { needToKnowApiPaths, needToKnowApiSchemas } from './modules/need-to-know/openapi.ts';
import { governanceApiPaths, governanceApiSchemas } from './modules/governance/openapi.ts';
import { rulesApiPathItems, rulesApiSchemas } from './modules/admin/rules-openapi.ts';
import { paths } from './web/urls.ts';
import { defaultMaxLength } from './domain/input.ts';
import type { Services } from './services.ts';


const errorResponses = {
  400: invalidRequest,
  401: unauthorised,
  403: { description: 'You may not see or change this family' },
  404: { description: 'No such family or person' },
};

/** `today` is the clock's date: the member and need schemas check dates against it. */
export function openApiDocument(today: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Lantern API', version: '1', description: `Whole-family casework. Authenticate with \`Authorization: Bearer <token>\` (create one with \`npm run lantern -- token create --email ...\`). Every call is authorised against your relationship to the family and audited. Every string sent (body, query, headers) is refused with 400 and a field error if it holds a NUL character or a lone surrogate, or is longer than its field allows: \`maxLength\` where a schema gives one, otherwise ${defaultMaxLength.toLocaleString('en-GB')} characters. Numbers outside a field's \`minimum\`/\`maximum\` are refused the same way; versions are whole numbers, never strings or booleans.` },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Family: json(familySchema),
        FamilyUpdate: json(familyUpdateSchema),
        Member: json(memberSchema(today)),
        MemberUpdate: json(memberUpdateSchema(today)),
        Need: json(needSchema(today)),
        LegalStatus: json(statusSchema),
        Referral: json(referralSchema),
        Screening: json(screeningSchema),
        JoinRequest: json(joinRequestSchema),
        JoinDecision: json(joinDecisionSchema),
        ReferralDetails: json(referralDetailsSchema),
        Allocation: { type: 'object', required: ['keyWorkerId'], properties: { keyWorkerId: { type: 'string', format: 'uuid' }, overCaseloadReason: { type: 'string', maxLength: 1000, description: 'Required when the worker is at or over the programme caseload limit' } } },
        TeamMember: { type: 'object', required: ['userId', 'roleInFamily'], properties: { userId: { type: 'string', format: 'uuid' }, roleInFamily: { type: 'string', minLength: 1, maxLength: 100 } } },
        NewFamily: { type: 'object', required: ['family', 'members'], properties: { family: { $ref: '#/components/schemas/Family' }, members: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/Member' } } } },
        Closure: json(closureSchema),
        FollowUpRecord: json(followUpRecordSchema),
        ...planApiSchemas(),
        ...contactApiSchemas(),
        ...costApiSchemas(),
        ...outcomesApiSchemas(),
        ...adminApiSchemas(),
        ...needToKnowApiSchemas(),
        ...governanceApiSchemas(),
        ...rulesApiSchemas(),
        ValidationError: { type: 'object', properties: { error: { const: 'validation' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } } },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      [oa(paths.api.families)]: {
        get: { summary: 'Families you work with', responses: { 200: { description: 'Your families' }, 401: errorResponses[401] } },
        post: { summary: 'Add a family with its members', requestBody: requestBody('NewFamily'), responses: { 201: { description: 'Created: id and reference' }, ...errorResponses } },
      },
      [oa(paths.api.search)]: {
        post: {
          summary: 'Find people by name (typos and nicknames tolerated), date of birth or postcode. POST, so personal data never appears in a URL or a log',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['q'], properties: { q: { type: 'string', maxLength: 200 } } } } } },
          responses: { 200: { description: 'Matches in families you may open' }, 400: errorResponses[400] },
        },
      },
      [oa(paths.api.unlockSignIn)]: {
        post: {
          summary: 'Administrators: let an email sign in again after it was locked for too many failed attempts (the failures before are forgiven)',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['email'], properties: { email: { type: 'string', maxLength: 320 } } } } } },
          responses: { 200: { description: 'Done: wasLocked says whether it was locked' }, 400: errorResponses[400], 401: unauthorised, 403: { description: 'Only administrators' } },
        },
      },
      [oa(paths.api.family)]: {
        get: { summary: 'A family: members, relationships, legal statuses, needs, level of need, team around the family', parameters: [idParam('familyId')], responses: { 200: { description: 'The family' }, ...errorResponses } },
        put: { summary: 'Change household details (send the version you read; 409 if someone saved first)', parameters: [idParam('familyId')], requestBody: requestBody('FamilyUpdate'), responses: { 204: { description: 'Saved' }, 409: { description: 'Changed by someone else since you read it' }, ...errorResponses } },
      },
      [oa(paths.api.members)]: {
        post: { summary: 'Add a family member', parameters: [idParam('familyId')], requestBody: requestBody('Member'), responses: { 201: { description: 'Created' }, ...errorResponses } },
      },
      [oa(paths.api.member)]: {
        put: { summary: 'Change a family member (send the version you read)', parameters: [idParam('familyId'), idParam('personId')], requestBody: requestBody('MemberUpdate'), responses: { 204: { description: 'Saved' }, 409: { description: 'Changed by someone else since you read it' }, ...errorResponses } },
      },
      [oa(paths.api.needs)]: {
        post: { summary: 'Record a need or vulnerability (CIN assessment-factor code, or offending)', parameters: [idParam('familyId'), idParam('personId')], requestBody: requestBody('Need'), responses: { 201: { description: 'Created' }, ...errorResponses } },
      },
      [oa(paths.api.referrals)]: {
        get: { summary: 'Referrals routed to your teams (or the front door, for its screeners) to screen, and recent decisions (managers)', responses: { 200: { description: 'The screening queue' }, 401: errorResponses[401], 403: errorResponses[403] } },
        post: { summary: 'Refer a family (no wrong door): an existing family by familyId, or the people as the referrer knows them', requestBody: requestBody('Referral'), responses: { 201: { description: 'Created: id' }, ...errorResponses } },
      },
      [oa(paths.api.myReferrals)]: {
        get: { summary: 'Referrals I made, each with its status (practitioners and managers)', responses: { 200: { description: 'Your referrals, newest first' }, 401: errorResponses[401], 403: errorResponses[403] } },
      },
      [oa(paths.api.referral)]: {
        get: { summary: 'A referral with possible existing families, level of need and its rule, and any closure in the last 12 months', parameters: [idParam('referralId')], responses: { 200: { description: 'The referral' }, ...errorResponses } },
      },
      [oa(paths.api.screenReferral)]: {
        post: { summary: 'Screening decision: accept into a programme (opens a case), signpost or decline, with a reason; optional level override with reason', parameters: [idParam('referralId')], requestBody: requestBody('Screening'), responses: { 200: { description: 'Decision recorded' }, 409: { description: 'Already screened, or screened by someone else first' }, ...errorResponses } },
      },
      [oa(paths.api.referralJoinRequests)]: {
        post: { summary: 'Ask the lead or managers of a family already known to Lantern (a possible match you may not open) to join this referral to it (the referral’s screeners)', parameters: [idParam('referralId')], requestBody: requestBody('JoinRequest'), responses: { 201: { description: 'Asked: id' }, ...errorResponses } },
      },
      [oa(paths.api.familyJoinRequests)]: {
        get: { summary: 'Requests to join a referral to this family, waiting and answered (the family’s lead and managers)', parameters: [idParam('familyId')], responses: { 200: { description: '`joinRequests`' }, ...errorResponses } },
      },
      [oa(paths.api.familyJoinRequest)]: {
        post: { summary: 'Accept a join request (the referral is joined to the family and the screener joins the team around the family) or refuse it with a reason', parameters: [idParam('familyId'), idParam('joinRequestId')], requestBody: requestBody('JoinDecision'), responses: { 200: { description: '`status`: accepted or refused' }, 409: { description: 'Already answered, or the referral was screened or joined meanwhile' }, ...errorResponses } },
      },
      [oa(paths.api.familySeenBy)]: {
        get: { summary: 'Who has seen this family: every view, change and list that showed it, with person, agency, time, what and on what basis (the family’s lead and managers)', parameters: [idParam('familyId')], responses: { 200: { description: '`seenBy`' }, ...errorResponses } },
      },
      [oa(paths.api.referralDetails)]: {
        put: { summary: 'Correct a referral before screening (managers it is routed to): the family’s name, address and people, the referrer’s details and the reasons; send the version you read; audited with before and after', parameters: [idParam('referralId')], requestBody: requestBody('ReferralDetails'), responses: { 200: { description: 'Corrected: id and the new version' }, 409: { description: 'Already screened, or changed by someone else since you read it' }, ...errorResponses } },
      },
      [oa(paths.api.programmes)]: {
        get: { summary: 'The programme catalogue with its standards', responses: { 200: { description: 'Programmes' }, 401: errorResponses[401] } },
      },
      [oa(paths.api.case)]: {
        get: { summary: 'A case: state, programme, key worker, history', parameters: [idParam('caseId')], responses: { 200: { description: 'The case' }, ...errorResponses } },
      },
      [oa(paths.api.allocateCase)]: {
        post: { summary: 'Allocate the key worker (managers); over the caseload limit needs a reason', parameters: [idParam('caseId')], requestBody: requestBody('Allocation'), responses: { 200: { description: 'Allocated' }, 409: { description: 'The case cannot be allocated in its state' }, ...errorResponses } },
      },
      [oa(paths.api.caseTeam)]: {
        post: { summary: 'Add a practitioner to the team around the family', parameters: [idParam('caseId')], requestBody: requestBody('TeamMember'), responses: { 204: { description: 'Added' }, ...errorResponses } },
      },
      [oa(paths.api.statuses)]: {
        post: { summary: "Record a child's legal status (ends the previous one)", parameters: [idParam('familyId'), idParam('personId')], requestBody: requestBody('LegalStatus'), responses: { 201: { description: 'Created' }, ...errorResponses } },
      },
      [oa(paths.api.myWork)]: {
        get: { summary: 'My work: your open cases as key worker with what is due and overdue (first visit, contact, plan, reviews, plan actions), soonest first, and follow-ups due within 7 days', responses: { 200: { description: 'Counts by severity (overdue, due_today, due_soon), due items and cases' }, 401: errorResponses[401], 403: errorResponses[403] } },
      },
      [oa(paths.api.teamWork)]: {
        get: {
          summary: 'Team work (managers): open cases of the practitioners you manage, caseloads against the programme limit, overdue counts, drift signals and re-referrals within 12 months',
          parameters: [
            { name: 'workerId', in: 'query', required: false, schema: { type: 'string', format: 'uuid' }, description: 'Only this practitioner’s cases (ignored if you do not manage them)' },
            { name: 'drifting', in: 'query', required: false, schema: { type: 'string', enum: ['yes', 'true'] }, description: 'Only cases with at least one drift signal' },
          ],
          responses: { 200: { description: 'Workers with caseloads, and the cases shown' }, 401: errorResponses[401], 403: errorResponses[403] },
        },
      },
      [oa(paths.api.closeCase)]: {
        post: { summary: 'Close a case (managers): reason, step-down tier and service, closing summary; schedules the programme’s follow-ups (default 1, 3, 6 and 12 months)', parameters: [idParam('caseId')], requestBody: requestBody('Closure'), responses: { 200: { description: 'Closed: closedOn and the follow-ups scheduled' }, 409: { description: 'The case cannot close in its state (for example, not yet allocated), or it changed since you read it' }, ...errorResponses } },
      },
      [oa(paths.api.followUps)]: {
        get: { summary: 'A case’s closure and its follow-ups', parameters: [idParam('caseId')], responses: { 200: { description: 'Closure and follow-ups' }, ...errorResponses } },
      },
      [oa(paths.api.followUp)]: {
        post: { summary: 'Record a follow-up after closure: the date it happened and how the family is doing (send the version you read)', parameters: [idParam('caseId'), idParam('followUpId')], requestBody: requestBody('FollowUpRecord'), responses: { 200: { description: 'Recorded' }, 409: { description: 'Recorded by someone else since you read it' }, ...errorResponses } },
      },
      [oa(paths.api.needsAnalysisPrevalence)]: {
        get: { summary: 'Needs analysis (analysts, managers, administrators): prevalence estimates of hidden harm for a population, with the numbers known to services and the gap, by district and age band', parameters: [{ name: 'populationSetId', in: 'query', required: false, schema: { type: 'string', format: 'uuid' } }], responses: { 200: { description: 'Aggregate figures only' }, ...errorResponses } },
      },
      [oa(paths.api.needsAnalysisAreas)]: {
        get: { summary: "Needs analysis: each district's share of a count against its share of the population, and the rate per 1,000 people, ranked", parameters: [{ name: 'measure', in: 'query', required: false, schema: { type: 'string' }, description: "'set:<uuid>' for counts entered, or lantern:children-with-vulnerability, lantern:families-with-vulnerability, lantern:families, lantern:referrals" }, { name: 'populationSetId', in: 'query', required: false, schema: { type: 'string', format: 'uuid' } }], responses: { 200: { description: 'Ranked districts' }, ...errorResponses } },
      },
      [oa(paths.api.needsAnalysisOverlap)]: {
        get: { summary: 'Needs analysis: families by number of parental vulnerabilities (1, 2, 3, 4 or more) and by combination', responses: { 200: { description: 'Counts of families' }, 401: errorResponses[401], 403: errorResponses[403] } },
      },
      [oa(paths.api.needsAnalysisAudit)]: {
        get: { summary: 'Needs analysis: a case-file audit: files showing each vulnerability, percentage with a Wilson 95% confidence interval, number indicated in the whole population', parameters: [idParam('auditId')], responses: { 200: { description: 'The audit results' }, ...errorResponses } },
      },
      [oa(paths.api.needsAnalysisPopulation)]: {
        put: { summary: 'Needs analysis: replace a population set’s figures with CSV (district,age_band,children,births,families,people), all or nothing; errors name the row and field', parameters: [idParam('populationSetId')], requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object', required: ['csv'], properties: { csv: { type: 'string' } } } } } }, responses: { 200: { description: 'Saved: the number of rows' }, ...errorResponses } },
      },
      ...planApiPaths(),
      ...contactApiPaths(),
      ...identificationApiPaths(),
      ...costApiPaths(),
      ...outcomesApiPaths(),
      ...adminApiPaths(),
      ...needToKnowApiPaths(),
      ...governanceApiPaths(),
      ...rulesApiPathItems(),
    },
  };
}

export async function openApi(app: FastifyInstance, { services }: { services: Services }) {
  app.get(paths.api.openapi, { config: { access: 'public' } }, async () => openApiDocument(services.clock.today()));
}
