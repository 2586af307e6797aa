import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { readDocumentTool } from './agent-tools.js';
import { jsonSchemaToZodShape } from './json-schema-shape.js';

describe('jsonSchemaToZodShape', () => {
  it('maps an agent tool schema: types, required and optional fields', () => {
    const schema = z.object(jsonSchemaToZodShape(readDocumentTool([]).inputSchema));
    expect(schema.parse({ id: 'd1' })).toEqual({ id: 'd1' });
    expect(schema.parse({ id: 'd1', offset: 10, limit: 5 })).toEqual({ id: 'd1', offset: 10, limit: 5 });
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ id: 'd1', offset: 1.5 }).success).toBe(false);
  });

  it('keeps unknown property types permissive', () => {
    const schema = z.object(
      jsonSchemaToZodShape({ type: 'object', properties: { a: { type: 'array' }, b: { anyOf: [] }, c: { type: 'boolean' } }, required: ['a'] }),
    );
    expect(schema.parse({ a: [1, 'x'], b: { any: 1 }, c: true })).toEqual({ a: [1, 'x'], b: { any: 1 }, c: true });
  });
});
