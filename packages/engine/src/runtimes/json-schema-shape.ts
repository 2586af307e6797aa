import { z } from 'zod';

/**
 * Turns the JSON Schema of an agent tool's input (an object with typed properties, see
 * `agent-tools.ts`) into the zod raw shape the Claude Agent SDK's `tool()` takes. Only what agent
 * tools use is mapped precisely (string, integer, number, boolean, array, object); anything else
 * becomes `unknown`, so the model is never refused a call the tool itself would accept.
 */
export function jsonSchemaToZodShape(schema: Record<string, unknown>): Record<string, z.ZodType> {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const shape: Record<string, z.ZodType> = {};
  for (const [name, prop] of Object.entries(properties)) {
    let field = fieldType(prop);
    if (typeof prop.description === 'string') field = field.describe(prop.description);
    shape[name] = required.has(name) ? field : field.optional();
  }
  return shape;
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
