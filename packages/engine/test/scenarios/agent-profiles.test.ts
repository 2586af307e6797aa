/**
 * Agent profiles end to end on the engine: a step that names a profile runs on the profile's
 * runtime, model and turn limit, with the profile's system prompt and grants; the step's own fields
 * override the profile's, and the profile's the workflow's. Estimates price the same merged step,
 * validation checks it, and an edited profile applies from the next run on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, type TestEngine } from '@stagent/engine/testing';
import { ValidationError } from '../../src/errors.js';
import type { RuntimeRequest } from '../../src/runtimes/runtime.js';
import type { AgentProfileView } from '../../src/profiles/agent-profile.js';
import { filesystemServer } from '../fixtures/mcp/fixture-configs.js';

const root = mkdtempSync(join(tmpdir(), 'stagent-profiles-'));
let t: TestEngine;
let profile: AgentProfileView;

beforeAll(async () => {
  t = await createTestEngine();
  const files = filesystemServer(root);
  await t.engine.createMcpServer({ name: 'files', transport: 'STDIO', command: files.command!, args: files.args });
  profile = await t.engine.createAgentProfile({
    name: 'Careful reader',
    systemPrompt: 'PROFILE RULE: cite every file you read.',
    tools: [
      { tool: 'mcp__files__read_text_file', approval: 'AUTO' },
      { tool: 'mcp__files__list_directory', approval: 'DENY' },
    ],
    maxTurns: 3,
    runtimeId: 'simulated',
    modelId: 'simulated-fast',
  });
});
afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

/** Three steps on a workflow whose own runtime (ollama) is not running: only the profiles' and steps' runtimes can carry them. */
function definition(profileId: string) {
  return {
    name: 'Profiles at work',
    pattern: 'SEQUENCE' as const,
    runtimeId: 'ollama',
    tools: [{ tool: 'mcp__files__*', approval: 'ASK' as const }],
    steps: [
      { id: 'plain', name: 'Plain', prompt: 'STEP ONE: read the notes.', profileId },
      {
        id: 'override',
        name: 'Override',
        prompt: 'STEP TWO: summarise.',
        profileId,
        modelId: 'simulated-smart',
        maxTurns: 6,
        tools: [{ tool: 'mcp__files__read_text_file', approval: 'DENY' as const }],
      },
      { id: 'builtin', name: 'Built-in', prompt: 'STEP THREE: write it up.', profileId: 'writer', runtimeId: 'simulated' },
    ],
  };
}

/** The latest request whose prompt ends with a step's own prompt (chained steps also carry the previous output). */
const requestFor = (text: string): RuntimeRequest => t.engine.simulated.calls.findLast((c) => c.prompt.endsWith(text))!;
const approvals = (request: RuntimeRequest) => Object.fromEntries(request.tools.filter((x) => x.name.startsWith('mcp__')).map((x) => [x.name, x.approval]));

describe('agent profiles on steps', () => {
  it("runs each step with its profile's presets where the step leaves them empty, and the step's own where it sets them", async () => {
    const wf = await t.engine.createWorkflow(definition(profile.id));
    // The stored definition keeps only the reference.
    expect(wf.steps.map((s) => [s.profileId, s.runtimeId, s.modelId, s.maxTurns])).toEqual([
      [profile.id, null, null, null],
      [profile.id, null, 'simulated-smart', 6],
      ['writer', 'simulated', null, null],
    ]);
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    expect(run.steps.map((s) => [s.stepId, s.runtimeId, s.modelId])).toEqual([
      ['plain', 'simulated', 'simulated-fast'],
      ['override', 'simulated', 'simulated-smart'],
      ['builtin', 'simulated', 'simulated-smart'],
    ]);

    // Step 1: everything from the profile, its text after the step's own system prompt.
    const plain = requestFor('STEP ONE: read the notes.');
    expect(plain).toMatchObject({ model: 'simulated-fast', maxTurns: 3 });
    expect(plain.systemPrompt).toMatch(
      /^You are an agent executing the step "Plain" of the workflow "Profiles at work"\..*\n\nPROFILE RULE: cite every file you read\.$/s,
    );
    // Grants: the profile's first (read AUTO, list DENY), then the workflow's (everything else ASK).
    expect(approvals(plain)).toMatchObject({
      mcp__files__read_text_file: 'AUTO',
      mcp__files__list_directory: 'DENY',
      mcp__files__write_file: 'ASK',
    });

    // Step 2: its own model, turn limit and grant come before the profile's.
    const override = requestFor('STEP TWO: summarise.');
    expect(override).toMatchObject({ model: 'simulated-smart', maxTurns: 6 });
    expect(override.systemPrompt).toContain('PROFILE RULE');
    expect(approvals(override)).toMatchObject({
      mcp__files__read_text_file: 'DENY',
      mcp__files__list_directory: 'DENY',
      mcp__files__write_file: 'ASK',
    });

    // Step 3: a built-in profile: its prompt and turn limit, the step's runtime, the runtime's default model.
    const builtin = requestFor('STEP THREE: write it up.');
    expect(builtin).toMatchObject({ model: 'simulated-smart', maxTurns: 5 });
    expect(builtin.systemPrompt).toContain('You are a writer and editor.');
    expect(approvals(builtin)).toMatchObject({ mcp__files__read_text_file: 'ASK' });
  });

  it('estimates each step as it would run: on its merged runtime and model, with the profile prompt counted', async () => {
    const wf = await t.engine.createWorkflow({ ...definition(profile.id), name: 'Estimated' });
    const stored = await t.engine.estimateStoredWorkflow(wf.id);
    const submitted = await t.engine.estimateWorkflowCost(definition(profile.id));
    for (const estimate of [stored, submitted])
      expect(estimate.steps.map((s) => [s.stepId, s.runtimeId, s.modelId])).toEqual([
        ['plain', 'simulated', 'simulated-fast'],
        ['override', 'simulated', 'simulated-smart'],
        ['builtin', 'simulated', 'simulated-smart'],
      ]);
    const single = (step: Record<string, unknown>) => ({ name: 'One', pattern: 'SEQUENCE', steps: [{ id: 'a', name: 'A', prompt: 'Same prompt.', ...step }] });
    const withProfile = await t.engine.estimateWorkflowCost(single({ profileId: profile.id }));
    const without = await t.engine.estimateWorkflowCost(single({ runtimeId: 'simulated', modelId: 'simulated-fast' }));
    expect(withProfile.steps[0]!.inputTokens).toBeGreaterThan(without.steps[0]!.inputTokens);
  });

  it('applies an edited profile from the next run on; the stored definition is not rewritten', async () => {
    const own = await t.engine.createAgentProfile({ name: 'Editable', systemPrompt: 'FIRST VERSION', runtimeId: 'simulated' });
    const wf = await t.engine.createWorkflow({ name: 'Edits', pattern: 'SEQUENCE', steps: [{ id: 'a', name: 'A', prompt: 'EDITS STEP', profileId: own.id }] });
    await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(requestFor('EDITS STEP').systemPrompt).toContain('FIRST VERSION');
    await t.engine.updateAgentProfile(own.id, { name: 'Editable', systemPrompt: 'SECOND VERSION', runtimeId: 'simulated', maxTurns: 2 });
    const run = await t.engine.waitForRun((await t.engine.executeWorkflow(wf.id)).run.id);
    expect(run.status).toBe('COMPLETED');
    expect(requestFor('EDITS STEP')).toMatchObject({ maxTurns: 2 });
    expect(requestFor('EDITS STEP').systemPrompt).toContain('SECOND VERSION');
    expect((await t.engine.getWorkflow(wf.id))!.steps[0]).toMatchObject({ profileId: own.id, maxTurns: null, runtimeId: null });
  });

  it('validates a step against its merged runtime: unknown profile, a profile model its runtime lacks, ASK on claude-code', async () => {
    const before = (await t.engine.listWorkflows()).totalCount;
    const askProfile = await t.engine.createAgentProfile({ name: 'Asker', tools: [{ tool: 'mcp__files__*', approval: 'ASK' }] });
    try {
      await t.engine.createWorkflow({
        name: 'Bad references',
        pattern: 'SEQUENCE',
        runtimeId: 'simulated',
        steps: [
          { id: 'a', name: 'A', prompt: 'p', profileId: 'no-such-profile' },
          { id: 'b', name: 'B', prompt: 'p', profileId: profile.id, runtimeId: 'anthropic-direct' },
          { id: 'c', name: 'C', prompt: 'p', profileId: askProfile.id, runtimeId: 'claude-code' },
          { id: 'd', name: 'D', prompt: 'p', profileId: profile.id, runtimeId: 'anthropic-direct', modelId: 'simulated-smart' },
        ],
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => [i.field?.join('.'), i.code])).toEqual([
        ['steps.0.profileId', 'NOT_FOUND'],
        // The profile's model on the step's runtime: the profile is where the model comes from.
        ['steps.1.profileId', 'NOT_FOUND'],
        // The step's own model on its own runtime: its own field.
        ['steps.3.modelId', 'NOT_FOUND'],
        ['steps.2.profileId', 'INVALID_DEFINITION'],
      ]);
      expect((error as ValidationError).issues[1]!.message).toMatch(/^Profile "Careful reader" chooses model "simulated-fast", which runtime anthropic-direct/);
    }
    expect((await t.engine.listWorkflows()).totalCount).toBe(before);
  });
});
