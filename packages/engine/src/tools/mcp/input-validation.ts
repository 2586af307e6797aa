/**
 * Checks a model's arguments against a tool's input schema before the call, with the Ajv
 * validator the SDK ships. A schema Ajv cannot compile is not checked here: the server judges.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

const ajv = new AjvJsonSchemaValidator();
/** Compiled validators by schema text (tool lists change; equal schemas share one). Null: not compilable. */
const compiled = new Map<string, JsonSchemaValidator<unknown> | null>();
const MAX_CACHED = 500;

function validatorFor(schema: Tool['inputSchema']): JsonSchemaValidator<unknown> | null {
  const key = JSON.stringify(schema);
  let validator = compiled.get(key);
  if (validator === undefined) {
    // Servers built on Zod 4 declare draft 2020-12; the keywords tool schemas use read the same in Ajv's default draft.
    const { $schema: _declared, ...rest } = schema as Record<string, unknown>;
    try {
      validator = ajv.getValidator<unknown>(rest as JsonSchemaType);
    } catch {
      validator = null;
    }
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(key, validator);
  }
  return validator;
}

/** Null when `args` fit the tool's input schema (or the schema cannot be checked here), else the problem in words. */
export function inputProblem(tool: Pick<Tool, 'inputSchema'>, args: Record<string, unknown>): string | null {
  const validator = validatorFor(tool.inputSchema);
  if (!validator) return null;
  const outcome = validator(args);
  return outcome.valid ? null : outcome.errorMessage;
}
