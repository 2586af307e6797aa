import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context } from '../builder.js';
import { toolOperation } from './tool-operations.js';

/** What a tool call returned to the model: the operation's data, or why it failed, as the API says it. */
export type ToolOutcome = { ok: true; data: unknown } | { ok: false; error: string };

/** A payload's UserErrors (`errors { field message code }`), wherever the operation selected them. */
function userErrors(data: unknown): { field?: string[] | null; message: string; code: string }[] {
  if (!data || typeof data !== 'object') return [];
  return Object.values(data as Record<string, unknown>).flatMap((payload) =>
    payload && typeof payload === 'object' && Array.isArray((payload as { errors?: unknown }).errors)
      ? ((payload as { errors: { field?: string[] | null; message: string; code: string }[] }).errors ?? [])
      : [],
  );
}

/**
 * Runs a tool's operation through `schema` with the caller's `context` (the same resolvers,
 * limits and engine as any client). GraphQL errors and UserErrors come back as one failure the
 * model can read and correct itself from ("input.steps.0.prompt: ... (INVALID_VALUE)").
 */
export async function runToolOperation(schema: GraphQLSchema, context: Context, name: string, input: Record<string, unknown>): Promise<ToolOutcome> {
  const tool = toolOperation(name);
  if (!tool) return { ok: false, error: `Unknown tool "${name}".` };
  const result = await execute({ schema, document: checkedDocument(schema, tool.document), variableValues: input, contextValue: context });
  if (result.errors?.length) return { ok: false, error: result.errors.map((e) => e.message).join(' ') };
  const refused = userErrors(result.data);
  if (refused.length) return { ok: false, error: refused.map((e) => `${e.field?.length ? `${e.field.join('.')}: ` : ''}${e.message} (${e.code})`).join(' ') };
  return { ok: true, data: result.data };
}

const checked = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();

/** A tool's operation parsed and validated against `schema` once, as a server validates a client's. */
function checkedDocument(schema: GraphQLSchema, document: string): DocumentNode {
  let bySchema = checked.get(schema);
  if (!bySchema) checked.set(schema, (bySchema = new Map()));
  let parsed = bySchema.get(document);
  if (!parsed) {
    parsed = parse(document);
    const errors = validate(schema, parsed);
    if (errors.length) throw new TypeError(`A tool operation does not match the schema: ${errors.map((e) => e.message).join(' ')}`);
    bySchema.set(document, parsed);
  }
  return parsed;
}
