import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { AgentTool, RuntimeRequest, RuntimeResult, ToolDecision } from '../runtimes/runtime.js';
import { SimulatedRuntime, type SimulatedTurnContext } from '../runtimes/simulated.js';
import { ToolRunFailure } from '../runtimes/tool-turn.js';
import { recordingHooks } from '../testing/provider-emulator/index.js';
import { NEW_MESSAGE_HEADING } from './assistant-prompt-format.js';
import { assistantIntent, SIMULATED_ASSISTANT_LABEL } from './simulated-assistant.js';

// Results shaped as the tools return them: JSON.stringify of the operation's GraphQL data.
const WORKFLOWS = {
  workflows: {
    totalCount: 3,
    pageInfo: { hasNextPage: false, endCursor: null },
    nodes: [
      {
        id: 'wf-scan',
        name: 'Competitive scan',
        status: 'COMPLETED',
        runCount: 1,
        latestRun: { id: 'run-1', runNumber: 1, status: 'COMPLETED', costUsd: 0.0042 },
      },
      {
        id: 'wf-brief',
        name: 'Investor research brief',
        status: 'FAILED',
        runCount: 1,
        latestRun: { id: 'run-2', runNumber: 1, status: 'FAILED', costUsd: 0.01 },
      },
      { id: 'wf-comp', name: 'Competitive research brief', status: 'DRAFT', runCount: 0, latestRun: null },
    ],
  },
};
const ESTIMATE_WARNING = 'Step "Positioning memo" sets no budget: the default cap of $5.00 applies.';
const EXECUTED = {
  executeWorkflow: {
    run: { id: 'run-7', workflowId: 'wf-scan', runNumber: 2, status: 'RUNNING', startedAt: '2026-01-05T08:00:00.000Z', costUsd: 0, steps: [] },
    costEstimate: { totalUsd: 0.012345, budgetUsd: 2, overBudget: false, warnings: [ESTIMATE_WARNING], steps: [] },
    errors: [],
  },
};
const RUNTIMES = {
  runtimes: [
    {
      id: 'simulated',
      label: 'Simulator (no model)',
      available: true,
      unavailableReason: null,
      simulated: true,
      models: { default: 'simulated-smart', supported: [] },
    },
    {
      id: 'anthropic-direct',
      label: 'Anthropic',
      available: false,
      unavailableReason: 'No Anthropic API key | set anthropic.apiKey',
      simulated: false,
      models: { default: 'claude-sonnet-4-5', supported: [] },
    },
  ],
};
const SETTINGS = {
  settings: [
    { key: 'runtime.maxTurns', value: 12, type: 'integer', writable: true, secret: false, isSet: true },
    { key: 'openai.apiKey', value: null, type: 'string', writable: true, secret: true, isSet: true },
    { key: 'system.version', value: '0.1.0', type: 'string', writable: false, secret: false, isSet: true },
  ],
};

/** Fake assistant tools: each records its inputs and answers with `result` (or throws it). */
function tools(overrides: Record<string, { result?: unknown; approval?: AgentTool['approval'] }> = {}) {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const base: Record<string, { result?: unknown; approval?: AgentTool['approval'] }> = {
    list_workflows: { result: WORKFLOWS },
    execute_workflow: { result: EXECUTED, approval: 'ASK' },
    delete_workflow: { result: { deleteWorkflow: { deletedId: 'wf-scan', errors: [] } }, approval: 'ASK' },
    list_runtimes: { result: RUNTIMES },
    get_settings: { result: SETTINGS },
    set_settings: { result: { updateSettings: { settings: SETTINGS.settings, errors: [] } } },
    list_documents: { result: { documents: [{ id: 'd1', name: 'Pitch narrative.md', mimeType: 'text/markdown', sizeBytes: 2048, createdAt: 'x' }] } },
    list_schedules: { result: { schedules: [] } },
    ...overrides,
  };
  const list: AgentTool[] = Object.entries(base).map(([name, { result, approval }]) => ({
    name,
    description: name,
    inputSchema: {},
    approval: approval ?? 'AUTO',
    run: async (input) => {
      calls.push({ name, input });
      if (result instanceof Error) throw result;
      return JSON.stringify(result);
    },
  }));
  return { list, calls };
}

function request(message: string, agentTools: AgentTool[]): RuntimeRequest {
  return {
    taskId: 'assistant-task',
    model: 'simulated-smart',
    systemPrompt: 'You operate Stagent. Runtimes: simulated (available).',
    prompt: `## Conversation so far\nuser: hello\n\n${NEW_MESSAGE_HEADING}\n${message}`,
    tools: agentTools,
    maxTurns: 8,
    maxOutputTokens: 1000,
    signal: new AbortController().signal,
    purpose: 'assistant',
  };
}

/** Goes on from a parked result as the engine does: the checkpoint went through the journal (JSON). */
function resumed(req: RuntimeRequest, parked: RuntimeResult, decision: ToolDecision): RuntimeRequest {
  const checkpoint = JSON.parse(JSON.stringify(parked.parked)) as NonNullable<RuntimeResult['parked']>;
  return { ...req, resume: { ...checkpoint, decisions: Object.fromEntries(checkpoint.waitingFor.map((id) => [id, decision])) } };
}

async function ask(message: string, agentTools = tools()) {
  const hooks = recordingHooks();
  const result = await new SimulatedRuntime(new ManualClock()).run(request(message, agentTools.list), hooks);
  return { result, hooks, calls: agentTools.calls };
}

describe('the scripted assistant on the simulator', () => {
  it('runs a named workflow: lists, parks on execute_workflow for approval, then links the run and quotes the estimate', async () => {
    const fake = tools();
    const runtime = new SimulatedRuntime(new ManualClock());
    const req = request('Run Competitive research brief', fake.list);
    const first = await runtime.run(req, recordingHooks());
    expect(first.status).toBe('WAITING_APPROVAL');
    expect(first.turns).toBe(2);
    expect(first.parked?.pendingCalls).toEqual([{ id: 'sim-2-1', name: 'execute_workflow', input: { id: 'wf-comp' } }]);
    expect(first.parked?.waitingFor).toEqual(['sim-2-1']);
    expect(fake.calls.map((c) => c.name)).toEqual(['list_workflows']);
    expect(first.output.split('\n')[0]).toBe(SIMULATED_ASSISTANT_LABEL);

    const hooks = recordingHooks();
    const done = await runtime.run(resumed(req, first, { approved: true, comment: null }), hooks);
    expect(done.status).toBe('COMPLETED');
    expect(done.turns).toBe(3);
    // The listing was not repeated: its result came back with the checkpoint.
    expect(fake.calls).toEqual([
      { name: 'list_workflows', input: { first: 100 } },
      { name: 'execute_workflow', input: { id: 'wf-comp' } },
    ]);
    expect(done.output.split('\n')[0]).toBe(SIMULATED_ASSISTANT_LABEL);
    // The run's own workflowId and id make the link; the name comes from the listing.
    expect(done.output).toContain('[Run #2 of Competitive research brief](/workflows/wf-scan/runs/run-7)');
    expect(done.output).toContain('Estimated cost: **$0.0123** against a budget of $2.00.');
    expect(done.output).toContain(`- ${ESTIMATE_WARNING}`);
    // One nominal, non-zero model call on resume, weighing the prompt and the results so far.
    expect(hooks.usages).toHaveLength(1);
    expect(hooks.usages[0]!.inputTokens).toBeGreaterThan(Math.ceil(JSON.stringify(WORKFLOWS).length / 4));
    expect(hooks.usages[0]!.outputTokens).toBeGreaterThan(0);
  });

  it('says plainly that nothing ran when the run is denied', async () => {
    const fake = tools();
    const runtime = new SimulatedRuntime(new ManualClock());
    const req = request('please run competitive scan', fake.list);
    const first = await runtime.run(req, recordingHooks());
    expect(first.parked?.pendingCalls[0]?.input).toEqual({ id: 'wf-scan' });
    const done = await runtime.run(resumed(req, first, { approved: false, comment: 'Not this week.' }), recordingHooks());
    expect(done.status).toBe('COMPLETED');
    expect(done.output).toContain(
      'I did not start a run of **Competitive scan**: the call was not approved, so nothing changed. The reviewer said: Not this week.',
    );
    expect(fake.calls.map((c) => c.name)).toEqual(['list_workflows']);
  });

  it('reports a failed start in the tool’s words', async () => {
    const fake = tools({ execute_workflow: { result: new ToolRunFailure('FAILED', 'Workflow wf-scan is already running (CONFLICT)') } });
    const { result } = await ask('execute competitive scan', fake);
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toContain('I could not start a run of **Competitive scan**. Stagent said: Workflow wf-scan is already running (CONFLICT)');
  });

  it('takes the most recently updated workflow for "run the demo workflow", saying so', async () => {
    const { result } = await ask('run the demo workflow');
    expect(result.status).toBe('WAITING_APPROVAL');
    expect(result.parked?.pendingCalls[0]?.input).toEqual({ id: 'wf-scan' });
    expect(result.output).toContain('You named no workflow, so I picked the most recently updated one.');
  });

  it('names the workflows when none matches, and runs nothing', async () => {
    const { result, calls } = await ask('Run the quarterly board deck');
    expect(result.status).toBe('COMPLETED');
    expect(result.turns).toBe(2);
    expect(calls.map((c) => c.name)).toEqual(['list_workflows']);
    expect(result.output).toContain(
      'No workflow matches “the quarterly board deck”. Your workflows:\n\n- Competitive scan\n- Investor research brief\n- Competitive research brief',
    );
  });

  it('answers anything else with what it can do offline, in one turn and no tool call', async () => {
    const { result, calls, hooks } = await ask('What is the capital of France?');
    expect(result.status).toBe('COMPLETED');
    expect(result.turns).toBe(1);
    expect(calls).toEqual([]);
    expect(result.output.split('\n')[0]).toBe(SIMULATED_ASSISTANT_LABEL);
    expect(result.output).toContain('A real runtime understands free text: set an API key in [Settings](/settings).');
    expect(hooks.usages[0]!.inputTokens).toBeGreaterThan(0);
  });

  it('sets a setting, value parsed as a number, and reports a refusal verbatim', async () => {
    const refusal = 'input.0.value: Cost cap must be at most 50 (OUT_OF_RANGE)';
    const refused = await ask('set budget.maxCostPerTaskUsd to 500', tools({ set_settings: { result: new ToolRunFailure('FAILED', refusal) } }));
    expect(refused.calls).toEqual([{ name: 'set_settings', input: { input: [{ key: 'budget.maxCostPerTaskUsd', value: 500 }] } }]);
    expect(refused.result.output).toContain(`\`budget.maxCostPerTaskUsd\` was not changed. Stagent said: ${refusal}`);

    const stored = await ask('Set runtime.maxTurns to 12.');
    expect(stored.calls[0]?.input).toEqual({ input: [{ key: 'runtime.maxTurns', value: 12 }] });
    expect(stored.result.output).toContain('`runtime.maxTurns` is now `12`.');
  });

  it('deletes a named workflow after approval', async () => {
    const fake = tools();
    const runtime = new SimulatedRuntime(new ManualClock());
    const req = request('delete workflow Competitive scan', fake.list);
    const first = await runtime.run(req, recordingHooks());
    expect(first.parked?.pendingCalls).toEqual([{ id: 'sim-2-1', name: 'delete_workflow', input: { id: 'wf-scan' } }]);
    const done = await runtime.run(resumed(req, first, { approved: true, comment: null }), recordingHooks());
    expect(done.output).toContain('Deleted **Competitive scan** with its runs and events.');
  });

  it('lists workflows, runtimes, settings, documents and schedules from their tools', async () => {
    const workflows = await ask('show my workflows');
    expect(workflows.result.output).toContain('- [Competitive scan](/workflows/wf-scan): COMPLETED, latest run #1 COMPLETED ($0.0042)');
    expect(workflows.result.output).toContain('- [Competitive research brief](/workflows/wf-comp): DRAFT, no runs yet');

    const runtimes = await ask('Which models can I use?');
    expect(runtimes.calls.map((c) => c.name)).toEqual(['list_runtimes']);
    expect(runtimes.result.output).toContain('Looking up the runtimes.\n\n| Runtime | Available | Default model |\n|---|---|---|\n');
    expect(runtimes.result.output).toContain('| Simulator (no model) (`simulated`), simulated | yes | `simulated-smart` |');
    expect(runtimes.result.output).toContain('| Anthropic (`anthropic-direct`) | no: No Anthropic API key \\| set anthropic.apiKey | `claude-sonnet-4-5` |');

    const settings = await ask('settings');
    expect(settings.result.output).toContain('- `runtime.maxTurns`: `12`');
    expect(settings.result.output).toContain('- `openai.apiKey`: set (secret, never shown)');
    expect(settings.result.output).not.toContain('system.version');

    expect((await ask('list documents')).result.output).toContain('- **Pitch narrative.md** (text/markdown, 2.0 KB)');
    expect((await ask('my schedules?')).result.output).toContain('You have no schedules yet.');
  });

  it('says so when a tool fails, e.g. one that is not granted', async () => {
    const { result } = await ask('list workflows', { list: [], calls: [] });
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toContain('I could not look up your workflows. Stagent said: Unknown tool "list_workflows". Available tools: none.');
  });

  it('reads messages by keyword, the most specific phrasing first', () => {
    expect(assistantIntent('Run Competitive scan')).toEqual({ kind: 'run', target: 'Competitive scan' });
    expect(assistantIntent('delete the workflow "Pitch polish loop"')).toEqual({ kind: 'delete', target: 'Pitch polish loop' });
    expect(assistantIntent('list workflows and their latest run')).toEqual({ kind: 'list-workflows' });
    expect(assistantIntent('set routing.preference to cost')).toEqual({ kind: 'set', key: 'routing.preference', value: 'cost' });
    expect(assistantIntent('show runtimes')).toEqual({ kind: 'runtimes' });
    expect(assistantIntent('hello')).toEqual({ kind: 'help' });
  });
});

describe('the simulator and its built-in assistant', () => {
  it('lets a scripted rule win over the built-in, which reset() keeps', async () => {
    const runtime = new SimulatedRuntime(new ManualClock()).script({ match: 'Run Competitive', script: { turns: [{ text: 'Scripted reply.' }] } });
    const fake = tools();
    expect((await runtime.run(request('Run Competitive scan', fake.list), recordingHooks())).output).toBe('Scripted reply.');
    runtime.reset();
    const builtIn = await runtime.run(request('hello', fake.list), recordingHooks());
    expect(builtIn.output.split('\n')[0]).toBe(SIMULATED_ASSISTANT_LABEL);
    // Not an assistant task: the default sample answer, as before.
    const step = await runtime.run({ ...request('hello', []), purpose: 'step' }, recordingHooks());
    expect(step.output).toMatch(/^### Simulated result: /);
  });

  it('gives a dynamic script every result with its status, and keeps static checkpoints as they were', async () => {
    const seen: SimulatedTurnContext[] = [];
    const slow: AgentTool = {
      name: 'slow',
      description: '',
      inputSchema: {},
      run: async () => {
        throw new ToolRunFailure('TIMED_OUT', 'took too long');
      },
    };
    const runtime = new SimulatedRuntime(new ManualClock()).script({
      match: 'dynamic',
      script: {
        respond: (context) => {
          seen.push({ ...context, results: [...context.results] });
          return context.turn === 1 ? { text: 'Trying.', toolCalls: [{ name: 'slow', input: { n: 1 } }] } : { text: 'Done.' };
        },
      },
    });
    const result = await runtime.run({ ...request('dynamic', [slow]), purpose: 'step' }, recordingHooks());
    expect(result).toEqual({ status: 'COMPLETED', output: 'Trying.\nDone.', turns: 2 });
    expect(seen.map((c) => c.turn)).toEqual([1, 2]);
    expect(seen[1]!.results).toEqual([{ name: 'slow', input: { n: 1 }, content: 'Tool slow failed: took too long', isError: true, status: 'TIMED_OUT' }]);

    const ask: AgentTool = { ...slow, name: 'ask', approval: 'ASK' };
    const parked = await new SimulatedRuntime(new ManualClock()).run({ ...request('/tool ask {}', [ask]), purpose: 'step' }, recordingHooks());
    expect(parked.status).toBe('WAITING_APPROVAL');
    expect(Object.keys(parked.parked!.conversation as object)).toEqual(['promptTokens']);
  });
});
