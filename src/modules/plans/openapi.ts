import { idParam, invalidRequest, json, oa, requestBody, unauthorised } from '../../web/openapi-parts.ts';
import { paths } from '../../web/urls.ts';
import {
  actionSchema, actionStatusSchema, contractSchema, familyViewSchema, goalSchema, memberAssessmentSchema, reviewDateSchema, safetyPlanSchema,
  versionOnlySchema,
} from './schemas.ts';

/** The plans module's part of the OpenAPI document: its request schemas and its paths. */

const id = idParam;
const ref = requestBody;

const errors = {
  400: invalidRequest,
  401: unauthorised,
  403: { description: 'You are not in the team around this family (the refusal is audited), or your role cannot do this' },
  404: { description: 'No such case, family member, goal, action or plan version' },
};
const refused = { 409: { description: '`error: "conflict"`: someone saved first (send the version you read; nothing was overwritten). `error: "rule"`: the case’s state does not allow this now; `message` says why, and lists what is missing' } };
const c = id('caseId');
const versionNote = 'Send `version`: the version you read (0 when there is nothing saved yet).';

export function planApiSchemas() {
  return {
    MemberAssessment: json(memberAssessmentSchema),
    FamilyView: json(familyViewSchema),
    PlanGoal: json(goalSchema),
    PlanAction: json(actionSchema),
    PlanActionStatus: json(actionStatusSchema),
    PlanReviewDate: json(reviewDateSchema),
    PlanVersionLock: json(versionOnlySchema),
    FamilyContract: json(contractSchema),
    SafetyPlan: json(safetyPlanSchema),
  };
}

export function planApiPaths() {
  return {
    [oa(paths.api.outcomeAreas)]: {
      get: { summary: 'Reference data: the ten Supporting Families headline outcomes a plan goal is tied to (key and label)', responses: { 200: { description: '`outcomeAreas`: [{ key, label }]' }, 401: errors[401] } },
    },
    [oa(paths.api.assessment)]: {
      get: { summary: 'The whole-family assessment: each member’s strengths, needs, risks, CIN factors and (children) wishes and feelings; the family’s view; what is still missing', parameters: [c], responses: { 200: { description: 'The assessment' }, ...errors } },
    },
    [oa(paths.api.startAssessment)]: {
      post: { summary: 'Start the assessment (case allocated → assessment)', parameters: [c], responses: { 204: { description: 'Started' }, ...refused, ...errors } },
    },
    [oa(paths.api.memberAssessment)]: {
      put: { summary: `Record one member’s part of the assessment. Factor codes must apply to the member’s role. ${versionNote}`, parameters: [c, id('personId')], requestBody: ref('MemberAssessment'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
    },
    [oa(paths.api.familyView)]: {
      put: { summary: `Record the family’s own view and what they want to change. ${versionNote}`, parameters: [c], requestBody: ref('FamilyView'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
    },
    [oa(paths.api.completeAssessment)]: {
      post: { summary: 'Complete the assessment (assessment → planning); refused with the list of what is missing', parameters: [c], responses: { 204: { description: 'Completed' }, ...refused, ...errors } },
    },
    [oa(paths.api.plan)]: {
      get: { summary: 'The family plan: the version in force, any draft (version 1, or a review), who may own actions, and what may be done now', parameters: [c], responses: { 200: { description: 'The plan' }, ...errors } },
    },
    [oa(paths.api.planSummary)]: {
      get: { summary: 'For a case overview: assessment status, plan version in force, review date, open and overdue actions, contract and safety plan present', parameters: [c], responses: { 200: { description: 'The summary' }, ...errors } },
    },
    [oa(paths.api.planGoals)]: {
      post: { summary: `Add a goal (in the family’s words, with its outcome area) to the draft; in planning, the first goal starts version 1. ${versionNote}`, parameters: [c], requestBody: ref('PlanGoal'), responses: { 201: { description: 'Created: id and planId' }, ...refused, ...errors } },
    },
    [oa(paths.api.planGoal)]: {
      put: { summary: `Change a goal in the draft (progressNote: at a review, the progress made). ${versionNote}`, parameters: [c, id('goalId')], requestBody: ref('PlanGoal'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
      delete: { summary: 'Remove a goal and its actions from the draft', parameters: [c, id('goalId')], requestBody: ref('PlanVersionLock'), responses: { 204: { description: 'Removed' }, ...refused, ...errors } },
    },
    [oa(paths.api.planGoalActions)]: {
      post: { summary: `Add an action to a goal in the draft, owned by a family member, a practitioner in the team around the family, or another agency. ${versionNote}`, parameters: [c, id('goalId')], requestBody: ref('PlanAction'), responses: { 201: { description: 'Created: id' }, ...refused, ...errors } },
    },
    [oa(paths.api.planAction)]: {
      put: { summary: `Change an action in the draft. ${versionNote}`, parameters: [c, id('actionId')], requestBody: ref('PlanAction'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
      delete: { summary: 'Remove an action from the draft', parameters: [c, id('actionId')], requestBody: ref('PlanVersionLock'), responses: { 204: { description: 'Removed' }, ...refused, ...errors } },
    },
    [oa(paths.api.planActionStatus)]: {
      put: { summary: `Bring an action’s status up to date (draft, or the plan in force between reviews). ${versionNote}`, parameters: [c, id('actionId')], requestBody: ref('PlanActionStatus'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
    },
    [oa(paths.api.planReviewDate)]: {
      put: { summary: `Set the draft’s review date (in the future). ${versionNote}`, parameters: [c], requestBody: ref('PlanReviewDate'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
    },
    [oa(paths.api.agreePlan)]: {
      post: { summary: 'Agree the draft with the family: version 1 moves the case planning → intervention; a review’s version replaces the one in force, which is kept. Refused with what is missing (a goal, an action per goal, a future review date, progress per carried-over goal)', parameters: [c], requestBody: ref('PlanVersionLock'), responses: { 200: { description: 'Agreed: planId and number' }, ...refused, ...errors } },
    },
    [oa(paths.api.planReview)]: {
      post: { summary: 'Start a review (intervention only: otherwise 409 "A plan cannot be reviewed before the assessment is complete"): copies the plan in force into a new draft version', parameters: [c], responses: { 201: { description: 'The draft: planId and number' }, ...refused, ...errors } },
      delete: { summary: 'Cancel a review in progress; the plan in force is unchanged', parameters: [c], requestBody: ref('PlanVersionLock'), responses: { 204: { description: 'Cancelled' }, ...refused, ...errors } },
    },
    [oa(paths.api.planVersions)]: {
      get: { summary: 'Every agreed version of the plan, newest first (the history kept by reviews)', parameters: [c], responses: { 200: { description: 'The versions' }, ...errors } },
    },
    [oa(paths.api.planVersion)]: {
      get: { summary: 'One version of the plan, with its goals, progress notes and actions as agreed', parameters: [c, id('planId')], responses: { 200: { description: 'The version' }, ...errors } },
    },
    [oa(paths.api.familyContract)]: {
      get: { summary: 'The family contract', parameters: [c], responses: { 200: { description: 'The contract (null if not written), and the agencies in the team around the family' }, ...errors } },
      put: { summary: `Save the family contract: commitments of the family, the key worker and each agency, and the agreed consequences. ${versionNote}`, parameters: [c], requestBody: ref('FamilyContract'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
    },
    [oa(paths.api.safetyPlan)]: {
      get: { summary: 'The safety plan, and whether one is needed', parameters: [c], responses: { 200: { description: 'The safety plan (null if not written)' }, ...errors } },
      put: { summary: `Save the safety plan: risks, what keeps the children safe, who does what, who to call (at least one out-of-hours number). ${versionNote}`, parameters: [c], requestBody: ref('SafetyPlan'), responses: { 204: { description: 'Saved' }, ...refused, ...errors } },
    },
  };
}
