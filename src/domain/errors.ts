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

/**
 * A schema's value, or its problems together with those `more` finds, in one round. `more` is for
 * what only the database knows (a name already taken, a line's unit cost): it reads the answers as
 * sent (`raw`), checks each one it needs with the schema's own field schema, and adds its problems
 * to `errors` (a field the schema already faults keeps the schema's message).
 */
export async function validatedWith<S extends z.ZodType>(schema: S, input: unknown, more: (raw: Record<string, unknown>, errors: FieldErrors) => Promise<void>): Promise<z.output<S>> {
  const result = await schema.safeParseAsync(input);
  const errors = result.success ? {} : fieldErrors(result.error);
  const found: FieldErrors = {};
  await more(input && typeof input === 'object' && !Array.isArray(input) ? input as Record<string, unknown> : {}, found);
  for (const [key, message] of Object.entries(found)) errors[key] ??= message;
  if (!result.success || Object.keys(errors).length) throw new ValidationError(errors);
  return result.data;
}
