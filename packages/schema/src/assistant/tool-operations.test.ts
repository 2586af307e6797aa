import { execute, Kind, parse, validate, type GraphQLEnumType, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import { ASSISTANT_APPROVABLE_TOOLS } from '@stagent/engine';
import { createContext, schema } from '../index.js';
import { runToolOperation } from './run-tool-operation.js';
import { toolInputSchema, type JsonSchema } from './tool-input-schema.js';
import { TOOL_OPERATIONS } from './tool-operations.js';

/** The tools issue #20 asks for at least. */
const REQUIRED = [
  'list_workflows',
  'get_workflow',
  'create_workflow',
  'update_workflow',
  'delete_workflow',
  'execute_workflow',
  'get_run',
  'cancel_workflow',
  'retry_workflow_step',
  'resume_workflow_step',
  'get_debug_analysis',
  'optimize_workflow',
  'apply_suggestion',
  'list_runtimes',
  'get_settings',
  'set_settings',
  'list_documents',
  'read_document',
  'delete_document',
  'list_schedules',
  'parse_schedule',
  'create_schedule',
  'delete_schedule',
];

const variablesOf = (document: string): string[] =>
  (parse(document).definitions[0] as OperationDefinitionNode).variableDefinitions!.map((v) => v.variable.name.value);

describe('the assistant tools: GraphQL operations of the served schema', () => {
  it('are every tool the issue names, once each, and only read-only tools run without approval', () => {
    const names = TOOL_OPERATIONS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(REQUIRED));
    for (const tool of TOOL_OPERATIONS) {
      const operation = parse(tool.document).definitions[0] as OperationDefinitionNode;
      expect(operation.kind).toBe(Kind.OPERATION_DEFINITION);
      // A query reads; every mutation changes, deletes or spends.
      expect(tool.effect === 'read', tool.name).toBe(operation.operation === 'query');
    }
  });

  it('validate against the schema, so an API change that breaks a tool fails here', () => {
    for (const tool of TOOL_OPERATIONS) expect(validate(schema, parse(tool.document)), tool.name).toEqual([]);
  });

  it('take exactly their operation variables as input, typed and described from the schema', () => {
    for (const tool of TOOL_OPERATIONS) {
      const input = toolInputSchema(schema, tool.document);
      expect(Object.keys(input.properties as object).sort(), tool.name).toEqual(variablesOf(tool.document).sort());
    }
    expect(toolInputSchema(schema, TOOL_OPERATIONS.find((t) => t.name === 'execute_workflow')!.document)).toEqual({
      type: 'object',
      properties: { id: { type: 'string', description: expect.any(String) } },
      required: ['id'],
      additionalProperties: false,
    });
    const create = toolInputSchema(schema, TOOL_OPERATIONS.find((t) => t.name === 'create_workflow')!.document);
    const definition = (create.properties as Record<string, JsonSchema>).input!;
    expect(definition.required).toEqual(expect.arrayContaining(['name', 'pattern', 'steps']));
    const fields = definition.properties as Record<string, JsonSchema>;
    // Enums carry the schema's values.
    expect(fields.pattern!.enum).toEqual((schema.getType('WorkflowPattern') as GraphQLEnumType).getValues().map((v) => v.name));
    const step = (fields.steps as { items: JsonSchema }).items;
    expect(step.type).toBe('object');
    expect(step.required).toEqual(expect.arrayContaining(['prompt']));
    expect((fields.budgetUsd as JsonSchema).description).toMatch(/USD/);
  });
});

describe('running the assistant tools', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await createTestEngine();
  });
  afterAll(() => t.close());
  const context = () => createContext(t.engine);
  const query = async (document: string) => (await execute({ schema, document: parse(document), contextValue: context() })).data;

  it('list_runtimes and get_settings answer exactly what the runtimes and settings queries answer', async () => {
    const runtimes = await runToolOperation(schema, context(), 'list_runtimes', {});
    expect(runtimes).toEqual({ ok: true, data: await query(TOOL_OPERATIONS.find((o) => o.name === 'list_runtimes')!.document) });
    expect((runtimes as { data: { runtimes: { id: string }[] } }).data.runtimes.map((r) => r.id)).toContain('simulated');
    const settings = await runToolOperation(schema, context(), 'get_settings', {});
    expect(settings).toEqual({ ok: true, data: await query(TOOL_OPERATIONS.find((o) => o.name === 'get_settings')!.document) });
  });

  it("gives a refused input back as the API's UserError, which the model can act on, and changes nothing", async () => {
    const refused = await runToolOperation(schema, context(), 'set_settings', { input: [{ key: 'budget.maxCostPerTaskUsd', value: 500 }] });
    expect(refused.ok).toBe(false);
    expect((refused as { error: string }).error).toMatch(/^input\.0\.value: .*50.* \(OUT_OF_RANGE\)$/);
    expect(await t.engine.listSettings().then((s) => s.find((x) => x.key === 'budget.maxCostPerTaskUsd')!.value)).toBeNull();
    expect(await runToolOperation(schema, context(), 'no_such_tool', {})).toEqual({ ok: false, error: 'Unknown tool "no_such_tool".' });
  });

  it('creates and runs a workflow through the operations, returning the estimate with its warnings', async () => {
    const created = await runToolOperation(schema, context(), 'create_workflow', {
      input: { name: 'Through tools', pattern: 'SEQUENCE', runtimeId: 'simulated', steps: [{ id: 'a', name: 'A', prompt: 'Say hello.' }] },
    });
    expect(created.ok).toBe(true);
    const id = (created as { data: { createWorkflow: { workflow: { id: string } } } }).data.createWorkflow.workflow.id;
    const started = await runToolOperation(schema, context(), 'execute_workflow', { id });
    expect(started.ok).toBe(true);
    const payload = (started as { data: { executeWorkflow: { run: { id: string }; costEstimate: { totalUsd: number; warnings: string[] } } } }).data
      .executeWorkflow;
    expect(payload.costEstimate.totalUsd).toBeGreaterThan(0);
    expect(Array.isArray(payload.costEstimate.warnings)).toBe(true);
    await t.engine.waitForRun(payload.run.id);
    const run = await runToolOperation(schema, context(), 'get_run', { id: payload.run.id });
    expect((run as { data: { workflowRun: { status: string } } }).data.workflowRun.status).toBe('COMPLETED');
  });
});

describe('setting assistant.autoApprove', () => {
  it('offers exactly the tools that change, delete or spend, so it cannot drift from the operations', () => {
    const approvable = TOOL_OPERATIONS.filter((t) => t.effect !== 'read').map((t) => t.name);
    expect([...ASSISTANT_APPROVABLE_TOOLS].sort()).toEqual(approvable.sort());
  });
});
