import type { z } from 'zod';
import { ErrorCode, StagentError } from '../errors.js';
import { valueKind } from '../value-kind.js';

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
    else for (const issue of result.error.issues) issues.push(issueToError(issue, [...path, key], value));
  }
  return parsed as Partial<z.output<z.ZodObject<S>>>;
}

/**
 * One zod issue as an engine error at `path` followed by the issue's own path. `value` is what
 * was parsed at `path`: zod does not keep the input on its issues, and what a type problem means
 * depends on it (missing, a number too large to be finite, or a value of the wrong kind).
 */
export function issueToError(issue: z.core.$ZodIssue, path: FieldPath, value: unknown): StagentError {
  const field = [...path, ...issue.path.map(String)];
  if (issue.code === 'invalid_type') {
    const given = valueAt(value, issue.path);
    if (given === undefined || given === null) return new StagentError(ErrorCode.INVALID_DEFINITION, `${label(field)} is required.`, { field });
    // zod refuses ±Infinity as a number (JSON and GraphQL literals such as 1e309 parse to it).
    if (given === Infinity || given === -Infinity)
      return new StagentError(ErrorCode.OUT_OF_RANGE, `${label(field)} is out of range: the number given is too large to represent.`, { field });
    return new StagentError(ErrorCode.WRONG_TYPE, `${label(field)} must be ${expectedKind(issue.expected)}; got ${valueKind(given)}.`, { field });
  }
  const code = issue.code === 'too_big' || issue.code === 'too_small' ? ErrorCode.OUT_OF_RANGE : ErrorCode.INVALID_DEFINITION;
  return new StagentError(code, issue.message, { field });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

function expectedKind(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'an object';
  return `a ${expected}`;
}

function label(path: FieldPath): string {
  return path.join('.') || 'The definition';
}
