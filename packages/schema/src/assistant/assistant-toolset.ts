import type { AssistantTool, AssistantToolset, EngineApi } from '@stagent/engine';
import type { GraphQLSchema } from 'graphql';
import { createContext } from '../loaders.js';
import { runToolOperation } from './run-tool-operation.js';
import { toolInputSchema } from './tool-input-schema.js';
import { TOOL_OPERATIONS } from './tool-operations.js';

/**
 * The assistant's tools for one caller: every tool operation, its input schema generated from
 * the schema it runs on, run through that schema with the caller's engine. Each call gets fresh
 * loaders, as a new request would: data a tool changed is never read back from a cache of the
 * request that started the answer.
 */
export function assistantToolset(schema: GraphQLSchema, engine: EngineApi): AssistantToolset {
  let tools: AssistantTool[] | null = null;
  return () =>
    (tools ??= TOOL_OPERATIONS.map((operation) => ({
      name: operation.name,
      description: operation.description,
      inputSchema: toolInputSchema(schema, operation.document),
      effect: operation.effect,
      run: (input) => runToolOperation(schema, createContext(engine), operation.name, input),
    })));
}
