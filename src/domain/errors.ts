/** Errors a use case may raise; the web layer turns each into the right page or status. */
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/** zod issues as { field: message }, keeping the first message for each field. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

export class ValidationError extends Error {
  constructor(readonly fieldErrors: FieldErrors) {
    super('There is a problem with the information given');
  }
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} was not found`);
  }
}

export class ForbiddenError extends Error {
  constructor(message = 'You do not have access to this family') {
    super(message);
  }
}

/** A save based on an out-of-date copy: refused so nobody's work is silently overwritten. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
  }
}

/** A rule of the process refuses this step now (for example, reviewing a plan before the assessment). */
export class RuleViolation extends Error {
  constructor(message: string) {
    super(message);
  }
}

/**
 * A schema's value, or every problem it finds as field errors, in one round: the answers' own checks
 * and those its refinements ask the database (a name already taken), awaited together.
 */
export async function validated<S extends z.ZodType>(schema: S, input: unknown): Promise<z.output<S>> {
  const result = await schema.safeParseAsync(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}
