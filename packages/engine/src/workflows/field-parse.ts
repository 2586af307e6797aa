import type { z } from 'zod';
import { ErrorCode, StagentError } from '../errors.js';

/** A path into the caller's input, e.g. `['steps', 1, 'budgetUsd']`. */
export type FieldPath = (string | number)[];

/**
 * Parses each property of an object schema on its own, so that one bad field neither hides the
 * problems of the others nor the values later checks need: a step whose budget is negative still
 * has its runtime id checked against the catalog. Returns the properties that parsed (one that
 * failed is absent, its issues pushed onto `issues` with their full path), or null when `raw` is
 * not an object at all. Keys the schema does not name are dropped, as `z.object` does.
 */
export function parseFields<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
  raw: unknown,
  path: FieldPath,
  issues: StagentError[],
): Partial<z.output<z.ZodObject<S>>> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push(new StagentError(ErrorCode.INVALID_DEFINITION, `${label(path)} must be an object.`, { field: path }));
    return null;
  }
  const parsed: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(schema.shape)) {
    const value = (raw as Record<string, unknown>)[key];
    const result = (fieldSchema as z.ZodType).safeParse(value);
    if (result.success) parsed[key] = result.data;
    else for (const issue of result.error.issues) issues.push(issueToError(issue, [...path, key]));
  }
  return parsed as Partial<z.output<z.ZodObject<S>>>;
}

/** One zod issue as an engine error at `path` followed by the issue's own path. */
export function issueToError(issue: z.core.$ZodIssue, path: FieldPath): StagentError {
  const field = [...path, ...issue.path.map(String)];
  const code = issue.code === 'too_big' || issue.code === 'too_small' ? ErrorCode.OUT_OF_RANGE : ErrorCode.INVALID_DEFINITION;
  const message = issue.code === 'invalid_type' && issue.input === undefined ? `${label(field)} is required.` : issue.message;
  return new StagentError(code, message, { field });
}

function label(path: FieldPath): string {
  return path.join('.') || 'The definition';
}
