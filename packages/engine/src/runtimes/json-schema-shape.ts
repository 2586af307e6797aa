import { z } from 'zod';

/**
 * Turns the JSON Schema of an agent tool's input (an object with typed properties: our own tools
 * in `agent-tools.ts`, or a granted MCP server's) into the zod raw shape the Claude Agent SDK's
 * `tool()` takes. Validation is loose on purpose: only top-level types are checked (string,
 * integer, number, boolean, array, object; anything else is `unknown`), so the model is never
 * refused a call the tool itself would accept, and a call the SDK refused would never be
 * recorded. What the model is shown is precise: each property's own schema rides along as zod
 * metadata, which the SDK's JSON Schema output merges in (nested items, enums, formats).
 */
export function jsonSchemaToZodShape(schema: Record<string, unknown>): Record<string, z.ZodType> {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const shape: Record<string, z.ZodType> = {};
  for (const [name, prop] of Object.entries(properties)) {
    let field = fieldType(prop);
    const shown = shownSchema(prop);
    if (shown) field = field.meta(shown);
    else if (typeof prop.description === 'string') field = field.describe(prop.description);
    shape[name] = required.has(name) ? field : field.optional();
  }
  return shape;
}

/**
 * The property's schema as the model should see it, or undefined when it cannot stand alone: a
 * `$ref` points into the tool's `$defs`, which a single property does not carry. `id` is left
 * out because zod reads it as "hoist this into `$defs`"; `$id`/`$schema` mean nothing inside.
 */
function shownSchema(prop: Record<string, unknown>): Record<string, unknown> | undefined {
  if (JSON.stringify(prop).includes('"$ref"')) return undefined;
  return Object.fromEntries(Object.entries(prop).filter(([k]) => k !== 'id' && k !== '$id' && k !== '$schema'));
}

function fieldType(prop: Record<string, unknown>): z.ZodType {
  switch (prop.type) {
    case 'string':
      return z.string();
    case 'integer':
      return z.number().int();
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'array':
      return z.array(z.unknown());
    case 'object':
      return z.record(z.string(), z.unknown());
    default:
      return z.unknown();
  }
}
