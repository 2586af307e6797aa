import { describe, expect, it } from 'vitest';
import type { WorkflowDetail } from '$lib/graphql/workflow';
import { WorkflowForm } from './workflow-form.svelte';

describe('WorkflowForm', () => {
  it('builds the GraphQL input with stable step ids and numeric budgets', () => {
    const form = new WorkflowForm();
    form.name = ' Report ';
    form.steps[0].prompt = 'Research';
    form.steps[0].budgetUsd = '0.5';
    form.addStep()!.prompt = 'Write';
    const input = form.toInput();
    expect(input.name).toBe('Report');
    expect(input.steps.map((s) => s.id)).toEqual(['step-1', 'step-2']);
    expect(input.steps[0].budgetUsd).toBe(0.5);
    expect(input.steps[1].budgetUsd).toBeNull();
  });

  it('applies optimizer actions to the form', () => {
    const form = new WorkflowForm();
    const step = form.steps[0];
    expect(form.apply({ type: 'SET_BUDGET', payload: { stepId: step.id, budgetUsd: 1.25 } })).toBe(true);
    expect(step.budgetUsd).toBe('1.25');
    form.documentIds = ['d1', 'd2'];
    expect(form.apply({ type: 'SET_PER_STEP_DOCS', payload: { bindings: [{ stepId: step.id, documentIds: ['d1'] }] } })).toBe(true);
    expect(step.documentIds).toEqual(['d1']);
    expect(form.documentIds).toEqual(['d2']);
    expect(form.apply({ type: 'CHANGE_PATTERN', payload: { pattern: 'PARALLEL' } })).toBe(true);
    expect(form.pattern).toBe('PARALLEL');
    expect(form.apply({ type: 'SPLIT_STEP', payload: {} })).toBe(false);
  });

  it('finds server errors by field path', () => {
    const form = new WorkflowForm();
    form.errors = [{ field: ['steps', '0', 'budgetUsd'], message: 'Too high', code: 'OUT_OF_RANGE' }];
    expect(form.errorFor('steps.0.budgetUsd')).toBe('Too high');
    form.errors = [{ field: ['input', 'name'], message: 'Required', code: 'INVALID_VALUE' }];
    expect(form.errorFor('name')).toBe('Required');
  });
});

describe('WorkflowForm step counts', () => {
  it("adds and removes steps only within the pattern's shape, and says why not", () => {
    const form = new WorkflowForm();
    form.pattern = 'LOOP';
    expect(form.addStepBlocked).toBe('A loop workflow takes at most 1 step.');
    expect(form.addStep()).toBeNull();
    expect(form.removeStepBlocked).toBe('A loop workflow needs at least 1 step.');
    form.removeStep(0);
    expect(form.steps).toHaveLength(1);

    form.pattern = 'PARALLEL';
    form.addStep();
    form.addStep();
    expect(form.removeStepBlocked).toBe('A parallel workflow needs at least 3 steps.');
    while (form.addStep());
    expect(form.steps).toHaveLength(6);
    expect(form.addStepBlocked).toBe('A parallel workflow takes at most 6 steps.');
    form.removeStep(5);
    expect(form.steps).toHaveLength(5);
    expect(form.addStepBlocked).toBeNull();
    expect(form.removeStepBlocked).toBeNull();
  });
});

describe('WorkflowForm checkpoints', () => {
  it('sends checkpoints in config only for the CHECKPOINT pattern', () => {
    const form = new WorkflowForm();
    const second = form.addStep()!;
    form.setCheckpoint(second.id, true);
    expect(form.toInput().config).toBeNull();
    form.pattern = 'CHECKPOINT';
    expect(form.toInput().config).toEqual({ checkpoints: [second.id] });
    form.removeStep(1);
    expect(form.toInput().config).toBeNull();
  });
});

describe('WorkflowForm pattern options', () => {
  it('sends only the options of the chosen pattern', () => {
    const form = new WorkflowForm();
    form.name = 'Options';
    form.steps[0].prompt = 'Do it.';
    const second = form.addStep()!;
    second.prompt = 'Then this.';
    form.delays[form.steps[0].id] = '2h';
    expect(form.toInput().config).toEqual({ delays: { [form.steps[0].id]: '2h' } });
    form.pattern = 'LOOP';
    form.maxIterations = '5';
    expect(form.toInput().config).toEqual({ maxIterations: 5 });
    form.pattern = 'PARALLEL';
    form.concurrency = '2';
    expect(form.toInput().config).toEqual({ concurrency: 2 });
    form.concurrency = '';
    expect(form.toInput().config).toBeNull();
  });

  it('loads stored options back into the form', () => {
    const form = new WorkflowForm({
      name: 'Loaded',
      description: null,
      pattern: 'LOOP',
      runtimeId: null,
      budgetUsd: null,
      documents: [],
      steps: [{ id: 'a', name: 'A', prompt: 'p', runtimeId: null, modelId: null, budgetUsd: null, documentIds: [] }],
      config: { maxIterations: 7, timeBudgetMs: 60000 },
    } as never);
    expect(form.maxIterations).toBe('7');
    expect(form.toInput().config).toEqual({ timeBudgetMs: 60000, maxIterations: 7 });
  });
});

describe('WorkflowForm tool grants', () => {
  const loaded = {
    id: 'wf-1',
    name: 'Tools',
    description: null,
    pattern: 'SEQUENCE',
    status: 'ACTIVE',
    runtimeId: 'simulated',
    budgetUsd: null,
    config: null,
    tools: [{ tool: 'mcp__files__*', approval: 'AUTO' }],
    steps: [
      {
        id: 'read',
        name: 'Read',
        prompt: 'Read it.',
        runtimeId: null,
        modelId: null,
        budgetUsd: null,
        maxTurns: 4,
        workingDirectory: '/srv/project',
        documentIds: [],
        tools: [{ tool: 'mcp__files__write_file', approval: 'DENY' }],
      },
    ],
    documents: [],
    latestRun: null,
    runs: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  } as unknown as WorkflowDetail;

  it('keeps the grants, maxTurns and working directory of a loaded workflow when another field changes', () => {
    const form = new WorkflowForm(loaded);
    form.name = 'Tools, renamed';
    const input = form.toInput();
    expect(input.tools).toEqual([{ tool: 'mcp__files__*', approval: 'AUTO' }]);
    expect(input.steps[0].tools).toEqual([{ tool: 'mcp__files__write_file', approval: 'DENY' }]);
    expect(input.steps[0].maxTurns).toBe(4);
    expect(input.steps[0].workingDirectory).toBe('/srv/project');
  });

  it('adds, orders and removes grants; new ones ask; tools are trimmed', () => {
    const form = new WorkflowForm();
    form.addGrant(form.tools);
    form.tools[0].tool = ' mcp__files__read_text_file ';
    form.addGrant(form.tools);
    form.tools[1].tool = 'mcp__*';
    form.tools[1].approval = 'DENY';
    form.moveGrant(form.tools, 1, -1);
    expect(form.toInput().tools).toEqual([
      { tool: 'mcp__*', approval: 'DENY' },
      { tool: 'mcp__files__read_text_file', approval: 'ASK' },
    ]);
    form.removeGrant(form.tools, 0);
    expect(form.toInput().tools).toEqual([{ tool: 'mcp__files__read_text_file', approval: 'ASK' }]);
    expect(form.toInput().steps[0].tools).toEqual([]);
    expect(form.toInput().steps[0]).not.toHaveProperty('maxTurns');
  });

  it('finds errors on grant fields, numeric path parts included', () => {
    const form = new WorkflowForm();
    form.errors = [
      { field: ['steps', 0, 'tools', 1, 'tool'] as unknown as string[], message: 'No tool "nope".', code: 'NOT_FOUND' },
      { field: ['input', 'tools', '0', 'tool'], message: 'No server.', code: 'NOT_FOUND' },
    ];
    expect(form.errorFor('steps.0.tools.1.tool')).toBe('No tool "nope".');
    expect(form.errorFor('tools.0.tool')).toBe('No server.');
  });
});

describe('WorkflowForm agent profiles', () => {
  const loaded = {
    id: 'wf-2',
    name: 'Profiled',
    description: null,
    pattern: 'SEQUENCE',
    status: 'ACTIVE',
    runtimeId: 'simulated',
    budgetUsd: null,
    config: null,
    tools: [],
    steps: [
      {
        id: 'research',
        name: 'Research',
        prompt: 'Look.',
        runtimeId: null,
        modelId: null,
        budgetUsd: null,
        maxTurns: null,
        profileId: 'researcher',
        documentIds: [],
        tools: [],
      },
      {
        id: 'write',
        name: 'Write',
        prompt: 'Write.',
        runtimeId: null,
        modelId: null,
        budgetUsd: null,
        maxTurns: null,
        profileId: null,
        documentIds: [],
        tools: [],
      },
    ],
    documents: [],
    latestRun: null,
    runs: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  } as unknown as WorkflowDetail;

  it("keeps a step's profile when another field is edited and saved (updateWorkflow replaces the whole definition)", () => {
    const form = new WorkflowForm(loaded);
    form.name = 'Profiled, renamed';
    form.steps[0].prompt = 'Look harder.';
    form.moveStep(0, 1);
    const input = form.toInput();
    expect(input.steps.map((s) => [s.id, s.profileId])).toEqual([
      ['write', null],
      ['research', 'researcher'],
    ]);
  });

  it('sets, changes and clears a profile; a new step has none', () => {
    const form = new WorkflowForm(loaded);
    form.steps[1].profileId = '0190aaaa-0000-7000-8000-000000000001';
    form.steps[0].profileId = '';
    const added = form.addStep()!;
    expect(added.profileId).toBe('');
    expect(form.toInput().steps.map((s) => s.profileId)).toEqual([null, '0190aaaa-0000-7000-8000-000000000001', null]);
  });

  it("puts the server's error on the step's profile field", () => {
    const form = new WorkflowForm(loaded);
    form.errors = [{ field: ['input', 'steps', '1', 'profileId'], message: 'No agent profile "gone".', code: 'NOT_FOUND' }];
    expect(form.errorFor('steps.1.profileId')).toBe('No agent profile "gone".');
    expect(form.errorFor('steps.0.profileId')).toBeUndefined();
  });
});
